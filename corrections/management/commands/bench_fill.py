"""Fill the log with a realistic history fast, for benchmarks: valid events, valid hash chains, read models rebuilt.

Each article is published, then gets a mix shaped like a newsroom's: comments
(some replies, some flagged, some hidden), reader reports (some seconded,
assigned, rejected), revisions and correction notes. Streams are interleaved in
time as on a real desk. Events are encoded by the store's own ``encode`` and
written with COPY (PostgreSQL) or one multi-row INSERT per batch, then the read
models are rebuilt from them; ``verify_log`` passes afterwards.
"""

from __future__ import annotations

import random
import sys
import uuid
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from corrections import store
from corrections.domain import comments as comment_events
from corrections.domain import suggestions as suggestion_events
from corrections.domain.events import ArticlePublished, ArticleRevised, CorrectionIssued, Event
from corrections.models import PersonalDatum, Stream
from corrections.projections.rebuild import rebuild

SYLLABLES = "ba ce di fo gu ha je ki lo mu na pe ri so tu va we xi yo zu".split()
#: A vocabulary as varied as a newspaper's, so a reader's three-word quote is usually found once.
WORDS = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES[:5]})
META = {"actor": {"kind": "reader"}}


def paragraph(rng: random.Random, words: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class Story:
    """One article's stream as it is being generated: what the next event can refer to."""

    def __init__(self, rng: random.Random, n: int, slug: str = "") -> None:
        self.id = uuid.uuid4()
        self.rng = rng
        self.version = 0
        self.last_hash = ""
        self.body = "\n\n".join(paragraph(rng) for _ in range(6))
        self.slug = slug or f"bench-{n}-{self.id.hex[:6]}"
        self.comments: list[str] = []
        self.open: list[str] = []
        self.flaggable: list[str] = []

    def first(self) -> Event:
        return ArticlePublished(slug=self.slug, title=f"Bench story {self.slug}", body=self.body, byline="Desk")

    def comment(self) -> Event:
        return comment_events.CommentPosted(
            comment_id=str(uuid.uuid4()), body=paragraph(self.rng, 25), author_name="Reader"
        )

    def next(self) -> Event:
        rng = self.rng
        roll = rng.random()
        if roll < 0.60 or (roll >= 0.80 and not self.open):
            comment_id = str(uuid.uuid4())
            parent = rng.choice(self.comments) if self.comments and rng.random() < 0.3 else None
            self.comments.append(comment_id)
            self.flaggable.append(comment_id)
            return comment_events.CommentPosted(
                comment_id=comment_id,
                body=paragraph(rng, 25),
                author_name=f"Reader {rng.randrange(10**4)}",
                parent_id=parent,
            )
        if roll < 0.80:
            words = self.body.split(" ")
            at = rng.randrange(len(words) - 3)
            word = " ".join(words[at : at + 3])
            start = self.body.find(word)
            suggestion_id = str(uuid.uuid4())
            self.open.append(suggestion_id)
            return suggestion_events.SuggestionReceived(
                suggestion_id=suggestion_id,
                exact=word,
                start=start,
                against_version=self.version,
                prefix=self.body[max(0, start - 32) : start],
                suffix=self.body[start + len(word) : start + len(word) + 32],
                suggestion=word.upper(),
                comment="Please check.",
                category="typo",
            )
        if roll < 0.85:
            return suggestion_events.SuggestionSeconded(suggestion_id=rng.choice(self.open), comment="Same here.")
        if roll < 0.90:
            return suggestion_events.SuggestionAssigned(
                suggestion_id=rng.choice(self.open), assignee_id=1, assignee="desk"
            )
        if roll < 0.94:
            return suggestion_events.SuggestionRejected(
                suggestion_id=self.open.pop(rng.randrange(len(self.open))), reason="correct", reply="It is right."
            )
        if roll < 0.97 and self.flaggable:
            return comment_events.CommentFlagged(comment_id=rng.choice(self.flaggable), reason="rude")
        if roll < 0.985:
            self.body = self.body + "\n\n" + paragraph(rng)
            return ArticleRevised(body=self.body, note="Updated with new details." if rng.random() < 0.5 else "")
        return CorrectionIssued(kind="clarification", note="An earlier version was unclear about the timetable.")


class Command(BaseCommand):
    help = "Append a realistic benchmark history of about N events (articles, revisions, reports, comments)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--per-article", type=int, default=100, help="Average events per article.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--hot-comments",
            type=int,
            default=0,
            help="Also bench-hot, an article with this many comments, and bench-quiet with 10, for comparing reads.",
        )
        parser.add_argument("--no-rebuild", action="store_true", help="Leave the read models to the caller.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        total = options["events"]
        stories = [Story(rng, n) for n in range(max(1, total // options["per_article"]))]
        moment = timezone.now() - timedelta(days=30)
        pending: list[Story] = []
        written = 0
        with tqdm(total=total, unit="event", disable=options["no_progress"], file=sys.stderr) as bar:
            while written < total:
                rows: list[tuple] = []
                vault: list[PersonalDatum] = []
                for done in range(written, min(written + 5000, total)):
                    # Publish the stories spread over the run, so that streams interleave as they do on a desk.
                    if stories and (not pending or rng.random() < len(stories) / (total - done)):
                        story = stories.pop()
                        pending.append(story)
                        event = story.first()
                    else:
                        story = rng.choice(pending)
                        event = story.next()
                    moment += timedelta(milliseconds=rng.randrange(1, 500))
                    [encoded] = store.encode(
                        story.id, story.version, [event], META, moment, story.last_hash, vault_rows=vault
                    )
                    story.version, story.last_hash = encoded[0], encoded[-1]
                    rows.append((story.id, *encoded, moment))
                self._write(rows, vault)
                written += len(rows)
                bar.update(len(rows))
            if options["hot_comments"]:
                quiet = (("bench-quiet", 10), ("bench-page", 50))  # 50: a full page of comments
                for slug, count in (("bench-hot", options["hot_comments"]), *quiet):
                    story = Story(rng, 0, slug)
                    events = [story.first(), *(story.comment() for _ in range(count))]
                    rows, vault = [], []
                    for start in range(0, len(events), 5000):
                        chunk = events[start : start + 5000]
                        for domain_event in chunk:  # one at a time: each comment at its own moment
                            moment += timedelta(seconds=1)
                            [row] = store.encode(
                                story.id, story.version, [domain_event], META, moment, story.last_hash, vault_rows=vault
                            )
                            story.version, story.last_hash = row[0], row[-1]
                            rows.append((story.id, *row, moment))
                    self._write(rows, vault)
                    pending.append(story)
            self._heads(pending)
        if not options["no_rebuild"]:
            rebuild(store, progress=None)
        self.stdout.write(self.style.SUCCESS(f"Appended {written} events over {len(pending)} articles."))

    def _write(self, rows: list[tuple], vault: list[PersonalDatum]) -> None:
        """The events (COPY on PostgreSQL) and their personal fields' vault rows, in one transaction."""
        columns = "stream_id, version, type, schema, data, meta, recorded_at, hash"
        with transaction.atomic(), connection.cursor() as cursor:
            PersonalDatum.objects.bulk_create(vault, batch_size=2000)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {store.EVENTS} ({columns}) FROM STDIN") as copy:
                    for stream, version, type_, schema, data, meta, digest, moment in rows:
                        copy.write_row((stream, version, type_, schema, data, meta, moment, digest))
                return
            adapt = connection.ops.adapt_datetimefield_value
            cursor.executemany(
                f"INSERT INTO {store.EVENTS} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(s.hex, v, t, sc, d, me, adapt(m), h) for s, v, t, sc, d, me, h, m in rows],
            )

    def _heads(self, stories: list[Story]) -> None:
        Stream.objects.bulk_create(
            [Stream(id=s.id, version=s.version, last_hash=s.last_hash) for s in stories], batch_size=2000
        )
