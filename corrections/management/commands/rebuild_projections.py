from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from corrections import projections, store
from corrections.models import Event


class Command(BaseCommand):
    help = "Empty every read model and replay the whole event log into it, in one transaction."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = Event.objects.count()
        with tqdm(total=total, unit="event", disable=options["no_progress"], file=sys.stderr) as bar:
            events = store.iter_recorded()
            count = projections.rebuild(_counted(events, bar))
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the read models from {count} events."))


def _counted(items: Any, bar: tqdm) -> Any:
    for item in items:
        yield item
        bar.update(1)
