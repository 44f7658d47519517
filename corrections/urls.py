from __future__ import annotations

from django.urls import path

from . import converters, feeds  # noqa: F401  (converters registers <segment:>)
from .views import comments as comment_views
from .views import json_feed, write_to_us
from .views import pages as views

app_name = "corrections"

urlpatterns = [
    path("", views.article_index, name="index"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/history/", views.article_history, name="history"),
    path("suggestions/<segment:token>/", views.suggestion_status, name="suggestion-status"),
    path("articles/<slug:slug>/write/", write_to_us.write_to_us, name="write-to-us"),
    path("articles/<slug:slug>/comments/", comment_views.comment_create, name="comment-create"),
    path("articles/<slug:slug>/comments/<segment:comment_id>/flag/", comment_views.comment_flag, name="comment-flag"),
    path("comments/confirm/<segment:token>/", comment_views.comment_address_confirm, name="comment-confirm"),
    # Transparency: every public correction, as a page and as feeds (all, or one article's)
    path("corrections/", views.corrections_index, name="corrections"),
    path("corrections/feed/", feeds.CorrectionsFeed(), name="corrections-feed"),
    path("corrections/feed/atom/", feeds.AtomCorrectionsFeed(), name="corrections-atom"),
    path("corrections/feed/json/", json_feed.corrections_json, name="corrections-json"),
    path("articles/<slug:slug>/corrections/feed/", feeds.ArticleCorrectionsFeed(), name="article-corrections-feed"),
    path(
        "articles/<slug:slug>/corrections/feed/atom/",
        feeds.AtomArticleCorrectionsFeed(),
        name="article-corrections-atom",
    ),
    path(
        "articles/<slug:slug>/corrections/feed/json/",
        json_feed.article_corrections_json,
        name="article-corrections-json",
    ),
]
