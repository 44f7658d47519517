from __future__ import annotations

from django.urls import path

from . import views

app_name = "corrections"

urlpatterns = [
    path("", views.article_index, name="index"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/history/", views.article_history, name="history"),
]
