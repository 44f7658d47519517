"""The demo shows ingest without any set-up: an article pushed by a CMS, then a silent edit caught."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from corrections.models import Article, Source, UnannouncedEdit

pytestmark = pytest.mark.django_db


def test_load_demo_brings_an_article_in_and_catches_a_silent_edit(capsys: Any) -> None:
    """`load_demo` replays the demo CMS's signed webhooks; running it again changes nothing."""
    call_command("load_demo")
    call_command("load_demo")
    article = Article.objects.get(slug="harbour-bridge-to-be-rebuilt")
    assert "John Smith" in article.body and article.version == 2
    assert UnannouncedEdit.objects.get().status == "open"
    assert Source.objects.get().kind == "webhook"
    assert "/articles/harbour-bridge-to-be-rebuilt/history/" in capsys.readouterr().out
