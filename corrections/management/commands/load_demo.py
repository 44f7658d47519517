from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from corrections import services
from corrections.models import Article
from corrections.roles import editors_group

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
        self.stdout.write(
            "\nDemo data is ready.\n"
            f"  Article:   {settings.SITE_URL}/articles/{DEMO_SLUG}/\n"
            f"  Admin:     {settings.SITE_URL}/admin/\n"
            f"  API docs:  {settings.SITE_URL}/api/docs/\n"
            f"  Editor:    username 'editor', password '{password}' (new on every run)\n"
            f"  API token: {token.key}  (send as 'Authorization: Token {token.key}')\n"
        )
