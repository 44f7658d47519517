from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from corrections import integrity


class Command(BaseCommand):
    help = (
        "Verify the log, then sign every stream head (HMAC with CHECKPOINT_KEY) and write the checkpoint "
        "to CHECKPOINT_TARGET (a file, appended, or an http(s) URL)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--target", default="", help="Overrides CHECKPOINT_TARGET.")
        parser.add_argument("--no-verify", action="store_true", help="Sign without verifying the log first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_verify"]:
            _, breach = integrity.verify()
            if breach is not None:
                raise CommandError(f"Not signing a broken log: stream {breach.stream_id}: {breach.reason}.")
        try:
            document = integrity.checkpoint_create(options["target"] or None)
        except integrity.CheckpointError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint of {document['streams']} stream head(s) written ({document['digest'][:16]}…)."
            )
        )
