from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from corrections import store
from corrections.models import Event
from corrections.projections.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Replay the whole event log into fresh read models, in batches, while appends go on; swap them in at "
        "the end under a brief lock. An interrupted rebuild resumes where it stopped."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Events folded and written at a time.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes folding a share of the articles each (PostgreSQL; default: one per CPU, at most 4). "
            "An interrupted rebuild resumes with the shares it started with.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # An estimate for the bar (the table's statistics on PostgreSQL would do as well): counting is one scan.
        total = Event.objects.order_by("-position").values_list("position", flat=True).first() or 0
        with tqdm(total=total, unit="event", disable=options["no_progress"], file=sys.stderr) as bar:
            count = rebuild(store, batch_size=options["batch_size"], progress=bar.update, workers=options["workers"])
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the read models from {count} events."))
