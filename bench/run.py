"""Benchmarks: each row times an operation and its baseline in the same run and prints the ratio.

Run with ``make bench`` (SQLite in a temporary file) or with DATABASE_URL set to
a PostgreSQL database you can throw away. Absolute times on these machines are
noisy; the ratio against a baseline measured seconds apart is what to compare.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from corrections import integrity, selectors, services, store  # noqa: E402
from corrections.domain.comments import CommentPosted  # noqa: E402
from corrections.domain.state import fold  # noqa: E402
from corrections.models import Article, Event  # noqa: E402

META = {"actor": {"kind": "system"}}
BODY = " ".join(["The council voted to rebuild the harbour bridge."] * 80)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def comment(i: int) -> CommentPosted:
    return CommentPosted(comment_id=str(uuid.uuid4()), body=f"Comment {i}", author_name="Reader")


def contention(threads: int = 4, per_thread: int = 50) -> tuple[str, str, float, float]:
    """Appends from several connections to one hot article vs to one article each (PostgreSQL only).

    Appends to one stream queue on its head's row lock; appends to different
    streams should not wait on each other, so the ratio shows what the lock costs.
    """
    slugs = [f"hot-{uuid.uuid4().hex[:8]}" for _ in range(threads)]
    for slug in slugs:
        services.article_publish(slug=slug, title="Hot", body="Body.", meta=META)
    ids = [Article.objects.get(slug=slug).id for slug in slugs]

    def burst(targets: list[uuid.UUID]) -> float:
        def work(stream: uuid.UUID) -> None:
            try:
                for i in range(per_thread):
                    store.append(stream, [comment(i)], meta=META)
            finally:
                connection.close()

        pool = [threading.Thread(target=work, args=(target,)) for target in targets]
        start = time.perf_counter()
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return (time.perf_counter() - start) / (threads * per_thread)

    one_article = burst([ids[0]] * threads)
    own_article = burst(ids)
    return (f"{threads} writers, one article", "one article each", one_article, own_article)


def main() -> None:
    call_command("migrate", verbosity=0)
    services.article_publish(slug="bench", title="Bench", body=BODY, meta=META)
    article = Article.objects.get(slug="bench")
    rows: list[tuple[str, str, float, float]] = []

    # 1. Appending an event (hash chain, head lock, projections) vs a bare INSERT of the same row.
    counter = iter(range(10**9))

    def append_event() -> None:
        store.append(article.id, [comment(next(counter))], meta=META)

    bare_stream = uuid.uuid4()
    bare_versions = iter(range(1, 10**9))

    def bare_insert() -> None:
        with transaction.atomic():
            Event.objects.create(
                stream_id=bare_stream,
                version=next(bare_versions),
                type="CommentPosted",
                data=comment(0).to_data(),
                meta=META,
                recorded_at=timezone.now(),
                hash="0" * 64,
            )

    rows.append(("append one event", "bare INSERT", timed(append_event, 300), timed(bare_insert, 300)))

    # 2. Reading the current article: the projection vs folding its whole log (now ~300 events).
    def read_projection() -> None:
        selectors.article_get("bench").notes.all()

    def fold_log() -> None:
        fold(store.read_stream(article.id))

    rows.append(("read article (projection)", "fold whole log", timed(read_projection, 50), timed(fold_log, 50)))

    # 3. Time travel on a commented article: text events only vs the whole stream.
    version = Article.objects.get(slug="bench").version

    def time_travel() -> None:
        selectors.article_at_version("bench", version)

    rows.append(("article at version n", "fold whole log", timed(time_travel, 50), timed(fold_log, 50)))

    # 4. verify_log over the whole table vs reading the same rows.
    def verify() -> None:
        integrity.verify()

    def read_all() -> None:
        for _ in store.iter_all():
            pass

    rows.append(("verify hash chains", "read every row", timed(verify, 10), timed(read_all, 10)))

    if connection.vendor == "postgresql":
        rows.append(contention())

    events = Event.objects.count()
    print(f"\nNewsdesk benchmarks on {connection.vendor}, {events} events in the log\n")
    print(f"{'operation':<28} {'median':>10} {'baseline':<18} {'median':>10} {'ratio':>7}")
    # (contention rows are the mean time per append over the whole burst)
    print("-" * 78)
    for name, base_name, t, base in rows:
        print(f"{name:<28} {t * 1e3:>8.3f}ms {base_name:<18} {base * 1e3:>8.3f}ms {t / base:>6.2f}x")
    print()


if __name__ == "__main__":
    main()
