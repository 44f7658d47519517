from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from corrections.domain.errors import DomainError
from corrections.services import actor_meta
from corrections.services.erasure import REQUESTERS, person_erase


class Command(BaseCommand):
    help = (
        "Erase everything personal about one person (by e-mail address and/or account) in one transaction; "
        "the event log still verifies and records the erasure."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", default="", help="Every ticket and comment left with this address.")
        parser.add_argument("--user", default="", help="An account, by username or numeric id.")
        parser.add_argument("--requested-by", default="the person", choices=REQUESTERS, help="Who asked.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            users = get_user_model().objects
            key = options["user"]
            user = users.filter(username=key).first() or (
                users.filter(pk=int(key)).first() if key.isdecimal() else None
            )
            if user is None:
                raise CommandError(f"No account with the username or id “{key}”.")
        if not options["email"] and user is None:
            raise CommandError("Give --email, --user, or both.")
        try:
            done = person_erase(
                email=options["email"],
                user=user,
                requested_by=options["requested_by"],
                meta=actor_meta(kind="system"),
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {done.fields} personal field(s) in {done.event_count} event(s) of {len(done.events)} "
                f"article(s), {done.tickets} ticket(s), {done.comment_addresses} comment address(es), "
                f"{done.notifications} outbox row(s)" + (", and the account" if done.account else "") + "."
            )
        )
