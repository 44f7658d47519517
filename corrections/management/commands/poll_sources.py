from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corrections.models import Source
from corrections.services.sources import source_poll


class Command(BaseCommand):
    help = "Poll every active feed, sitemap and WordPress source now (--source ID: one); record new and changed pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=int, help="Poll only this source (even if it is paused).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["source"] is not None:
            sources = list(Source.objects.filter(id=options["source"]))
            if not sources:
                raise CommandError(f"No source with the id {options['source']}.")
        else:
            sources = list(Source.objects.filter(active=True).exclude(kind=Source.WEBHOOK))
        failed = 0
        for source in sources:
            report = source_poll(source_id=source.pk)
            source.refresh_from_db()
            line = (
                f"{source}: {report.published} new, {report.revised} revised, "
                f"{report.unchanged} unchanged, {report.fetched} pages fetched"
            )
            if source.failures:
                failed += 1
                self.stderr.write(f"{line} — failed: {source.last_error}")
            elif source.last_error:
                self.stdout.write(f"{line} — {source.last_error}")
            else:
                self.stdout.write(line)
        if not sources:
            self.stdout.write("No active source to poll; add one in the admin or with POST /api/v1/sources/.")
        if failed:
            raise CommandError(f"{failed} of {len(sources)} source{'s' if len(sources) != 1 else ''} failed.")
