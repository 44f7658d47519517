"""Create (or update) an editor: a staff user in the Editors group, with an API token if asked.

EDITOR_PASSWORD=… python manage.py create_editor alice --email alice@news.example [--token]
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from corrections.roles import editors_group


class Command(BaseCommand):
    help = "Create or update an editor (staff, in the Editors group); password from $EDITOR_PASSWORD."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", default="EDITOR_PASSWORD", metavar="VAR")
        parser.add_argument("--token", action="store_true", help="Print the editor's API token (created if need be).")

    @transaction.atomic
    def handle(self, *args: Any, username: str, email: str, password_env: str, token: bool, **options: Any) -> None:
        password = os.environ.get(password_env, "")
        user, created = get_user_model().objects.get_or_create(username=username)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(f"${password_env}: " + " ".join(error.messages)) from error
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        if email:
            user.email = email
        user.is_staff = True
        user.save()
        user.groups.add(editors_group())
        self.stdout.write(f"Editor {username!r} {'created' if created else 'updated'}.")
        if not password and created:
            self.stdout.write(f"No password set: run `python manage.py changepassword {username}` to log in.")
        if token:
            key, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(f"API token: {key.key}")
