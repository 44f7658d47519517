from __future__ import annotations

from django.urls import path
from django.views.i18n import JSONCatalog

from .. import converters  # noqa: F401  (registers <segment:>)
from . import articles, comments, review, sources, suggestions

app_name = "api"

urlpatterns = [
    # The widget's strings in the reader's language (Accept-Language), as JSON: under /api/ for CORS.
    path("i18n/", JSONCatalog.as_view(packages=["corrections"], domain="djangojs"), name="widget-catalog"),
    path("articles/", articles.ArticleListCreate.as_view(), name="article-list"),
    path("articles/<slug:slug>/", articles.ArticleDetail.as_view(), name="article-detail"),
    path("articles/<slug:slug>/revisions/", articles.RevisionCreate.as_view(), name="article-revisions"),
    path("articles/<slug:slug>/corrections/", articles.CorrectionCreate.as_view(), name="article-corrections"),
    path("articles/<slug:slug>/retraction/", articles.RetractionCreate.as_view(), name="article-retraction"),
    path("articles/<slug:slug>/events/", articles.EventList.as_view(), name="article-events"),
    path("articles/<slug:slug>/versions/<int:version>/", articles.VersionDetail.as_view(), name="article-version"),
    path("articles/<slug:slug>/diff/", articles.DiffDetail.as_view(), name="article-diff"),
    # Reader suggestions (the token is the reader's only way in: no listing, no lookup by id)
    path("articles/<slug:slug>/suggestions/", suggestions.ArticleSuggestions.as_view(), name="article-suggestions"),
    path("suggestions/<segment:token>/", suggestions.SuggestionStatusDetail.as_view(), name="suggestion-status"),
    # Comments (ids are checked by the view, so a malformed one gets a JSON 404 too)
    path("articles/<slug:slug>/comments/", comments.ArticleComments.as_view(), name="article-comments"),
    path("comments/<segment:comment_id>/flag/", comments.CommentFlag.as_view(), name="comment-flag"),
    path("review/comments/", comments.ReviewCommentList.as_view(), name="review-comments"),
    path(
        "review/comments/<segment:comment_id>/approve/",
        comments.ReviewCommentApprove.as_view(),
        name="review-comment-approve",
    ),
    path(
        "review/comments/<segment:comment_id>/hide/", comments.ReviewCommentHide.as_view(), name="review-comment-hide"
    ),
    path(
        "review/articles/<slug:slug>/moderation/",
        comments.ArticleModeration.as_view(),
        name="review-article-moderation",
    ),
    # The editors' review queue (ids are checked by the view: a malformed one gets a JSON 404)
    path("review/suggestions/", review.SuggestionList.as_view(), name="review-suggestions"),
    path("review/suggestions/<segment:suggestion_id>/", review.SuggestionDetail.as_view(), name="review-suggestion"),
    path(
        "review/suggestions/<segment:suggestion_id>/accept/",
        review.SuggestionAccept.as_view(),
        name="review-suggestion-accept",
    ),
    path(
        "review/suggestions/<segment:suggestion_id>/reject/",
        review.SuggestionReject.as_view(),
        name="review-suggestion-reject",
    ),
    path(
        "review/suggestions/<segment:suggestion_id>/duplicate/",
        review.SuggestionDuplicate.as_view(),
        name="review-suggestion-duplicate",
    ),
    path(
        "review/suggestions/<segment:suggestion_id>/assign/",
        review.SuggestionAssign.as_view(),
        name="review-suggestion-assign",
    ),
    path("review/metrics/", review.DeskMetrics.as_view(), name="review-metrics"),
    # Ingest: sources (editors), their signed webhooks (the CMS), the unannounced-edit queue (editors)
    path("sources/", sources.SourceListCreate.as_view(), name="source-list"),
    path("sources/<int:source_id>/", sources.SourceDetail.as_view(), name="source-detail"),
    path("sources/<int:source_id>/poll/", sources.SourcePoll.as_view(), name="source-poll"),
    path("sources/<int:source_id>/webhook/", sources.SourceWebhook.as_view(), name="source-webhook"),
    path("review/unannounced/", sources.UnannouncedList.as_view(), name="review-unannounced"),
    path("review/unannounced/<int:edit_id>/", sources.UnannouncedDetail.as_view(), name="review-unannounced-detail"),
    path(
        "review/unannounced/<int:edit_id>/note/",
        sources.UnannouncedNote.as_view(),
        name="review-unannounced-note",
    ),
    path(
        "review/unannounced/<int:edit_id>/waive/",
        sources.UnannouncedWaive.as_view(),
        name="review-unannounced-waive",
    ),
]
