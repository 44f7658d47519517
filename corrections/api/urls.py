from __future__ import annotations

from django.urls import path

from . import articles

app_name = "api"

urlpatterns = [
    path("articles/", articles.ArticleListCreate.as_view(), name="article-list"),
    path("articles/<slug:slug>/", articles.ArticleDetail.as_view(), name="article-detail"),
    path("articles/<slug:slug>/revisions/", articles.RevisionCreate.as_view(), name="article-revisions"),
    path("articles/<slug:slug>/corrections/", articles.CorrectionCreate.as_view(), name="article-corrections"),
    path("articles/<slug:slug>/retraction/", articles.RetractionCreate.as_view(), name="article-retraction"),
    path("articles/<slug:slug>/events/", articles.EventList.as_view(), name="article-events"),
    path("articles/<slug:slug>/versions/<int:version>/", articles.VersionDetail.as_view(), name="article-version"),
    path("articles/<slug:slug>/diff/", articles.DiffDetail.as_view(), name="article-diff"),
]
