from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from corrections import services
from corrections.models import Article, Source
from corrections.roles import editors_group
from corrections.services import sources as source_services

DEMO_SLUG = "riverside-library-reopens"
DEMO_TITLE = "Riverside library reopens after two-year renovation"
# An invented article with deliberate mistakes for readers to report:
# "recieve", "libary", "goverment" and "Febuary" are typos.
DEMO_BODY = """\
The Riverside public libary reopened on Saturday after a two-year renovation that cost the city £4.2 million.

Hundreds of residents queued in the rain before the doors opened at nine o'clock. The first visitors were welcomed by the head librarian, Margaret Okafor, who has worked at the branch since 1998.

The building, which dates from 1904, now has a new children's wing, a roof terrace and step-free access on every floor. Visitors will recieve a free library card on their first visit until the end of Febuary.

The renovation was paid for by the city council and a grant from the national goverment. Councillor Peter Lindqvist said the library was "the living room of the neighbourhood" and promised that opening hours would not be cut.

The library is open every day from 9am to 8pm."""

# The ingest demo: a newsroom's CMS pushes an article, then edits it without a correction note.
DEMO_SOURCE = "Riverside Gazette CMS (demo webhook)"
DEMO_PUSHES = [
    {
        "url": "https://gazette.example/2026/11/harbour-bridge-to-be-rebuilt?utm_source=cms",
        "title": "Harbour bridge to be rebuilt",
        "html": "<p>The council voted on Tuesday to rebuild the old harbour bridge.</p>"
        "<p>The mayor, Jon Smith, said the work would take two years and cost £12 million.</p>"
        "<p>Residents have campaigned for a new bridge since 2019.</p>",
        "published": "2026-11-20T08:00:00Z",
        "modified": "2026-11-20T08:00:00Z",
        "id": "gazette-101",
    },
    {
        "url": "https://gazette.example/2026/11/harbour-bridge-to-be-rebuilt",
        "title": "Harbour bridge to be rebuilt",
        "html": "<p>The council voted on Tuesday to rebuild the old harbour bridge.</p>"
        "<p>The mayor, John Smith, said the work would take three years and cost £12 million.</p>"
        "<p>Residents have campaigned for a new bridge since 2019.</p>",
        "published": "2026-11-20T08:00:00Z",
        "modified": "2026-11-20T09:30:00Z",
        "id": "gazette-101",
    },
]


def load_ingest_demo() -> tuple[Source, str | None]:
    """Replay the demo CMS's two signed webhooks through the real webhook service (idempotent)."""
    source = Source.objects.filter(name=DEMO_SOURCE).first() or source_services.source_create(
        kind=Source.WEBHOOK, url="https://gazette.example/", name=DEMO_SOURCE
    )
    slug = None
    for payload in DEMO_PUSHES:
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(source.secret.encode(), body, hashlib.sha256).hexdigest()
        result = source_services.webhook_receive(
            source_id=source.pk, body=body, headers={"X-Newsdesk-Signature": signature}
        )
        slug = result["article"]
    return source, slug


class Command(BaseCommand):
    help = "Load the demo article and an editor account (prints the editor's credentials)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Article.objects.filter(slug=DEMO_SLUG).exists():
            services.article_publish(
                slug=DEMO_SLUG,
                title=DEMO_TITLE,
                body=DEMO_BODY,
                byline="Newsdesk staff",
                meta=services.actor_meta(kind="system"),
            )
        user_model = get_user_model()
        editor, _ = user_model.objects.get_or_create(username="editor", defaults={"email": "editor@example.com"})
        password = secrets.token_urlsafe(12)
        editor.set_password(password)
        editor.is_staff = True
        editor.save()
        editor.groups.add(editors_group())
        token, _ = Token.objects.get_or_create(user=editor)
        source, ingested = load_ingest_demo()
        self.stdout.write(
            "\nDemo data is ready.\n"
            f"  Article:   {settings.SITE_URL}/articles/{DEMO_SLUG}/\n"
            f"  Admin:     {settings.SITE_URL}/admin/\n"
            f"  API docs:  {settings.SITE_URL}/api/docs/\n"
            f"  Editor:    username 'editor', password '{password}' (new on every run)\n"
            f"  API token: {token.key}  (send as 'Authorization: Token {token.key}')\n"
            f"  Ingest:    the source '{source}' pushed {settings.SITE_URL}/articles/{ingested}/ and then\n"
            f"             changed it without a note: see {settings.SITE_URL}/articles/{ingested}/history/ and\n"
            f"             the queue at {settings.SITE_URL}/api/v1/review/unannounced/ (README: Ingest)\n"
        )
