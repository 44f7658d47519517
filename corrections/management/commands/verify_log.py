from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from corrections import integrity


class Command(BaseCommand):
    help = (
        "Recompute every stream's hash chain, compare each chain's end with its stream head, and with "
        "--checkpoints prove the log still extends every signed checkpoint; exit non-zero naming the first breach."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoints",
            nargs="?",
            const="",
            default=None,
            metavar="FILE",
            help="Checkpoints to check against, one a line (default: CHECKPOINT_TARGET when it is a file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        documents: list[dict[str, Any]] = []
        if options["checkpoints"] is not None:
            documents = self._checkpoints(options["checkpoints"] or settings.CHECKPOINT_TARGET)
        try:
            checked, breach = integrity.verify(documents)
        except integrity.CheckpointError as error:
            raise CommandError(str(error)) from error
        if breach is not None:
            where = f"position {breach.position}" if breach.position is not None else "the head"
            raise CommandError(
                f"Event log broken at {where} (stream {breach.stream_id or '-'}, version {breach.version}): "
                f"{breach.reason}. {checked} events before it are intact."
            )
        against = f" against {len(documents)} checkpoint(s)" if options["checkpoints"] is not None else ""
        self.stdout.write(self.style.SUCCESS(f"Event log intact: {checked} events verified{against}."))

    def _checkpoints(self, source: str) -> list[dict[str, Any]]:
        path = Path(source.removeprefix("file://")) if source else None
        if path is None or source.startswith(("http://", "https://")) or not path.is_file():
            raise CommandError(f"No checkpoint file at “{source}”; give --checkpoints FILE.")
        try:
            return integrity.checkpoints_read(path.read_text(encoding="utf-8").splitlines())
        except integrity.CheckpointError as error:
            raise CommandError(str(error)) from error
