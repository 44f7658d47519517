from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corrections import store


class Command(BaseCommand):
    help = "Recompute every stream's sha256 hash chain; exit non-zero naming the first tampered event."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, breach = store.verify()
        if breach is not None:
            raise CommandError(
                f"Event log broken at position {breach.position} "
                f"(stream {breach.stream_id}, version {breach.version}): {breach.reason}. "
                f"{checked} events before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Event log intact: {checked} events verified."))
