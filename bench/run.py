"""Benchmarks: every row times Newsdesk and a baseline doing the same work, interleaved, and prints the ratio.

Run with ``make bench`` against a PostgreSQL database you can throw away
(``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/nd_bench``; it
is dropped and created afresh). Each row runs a warm-up, then ``ROUNDS``
repetitions in which the two sides alternate (A B, B A, …); the table shows the
median and the minimum of the per-round ratios (higher is better for Newsdesk
in every row). Absolute times on a shared machine are noisy; ratios taken
seconds apart are what to compare.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from setup_django import ROOT, on_fresh_database
from timing import interleaved, rate

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nd_bench")
EVENTS = int(os.environ.get("BENCH_EVENTS", "50000"))
HOT = int(os.environ.get("BENCH_HOT_COMMENTS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
REBUILD_ROUNDS = int(os.environ.get("BENCH_REBUILD_ROUNDS", str(max(2, ROUNDS // 2))))
on_fresh_database(URL)

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from corrections import services  # noqa: E402
from corrections.models import Article, Event  # noqa: E402
from corrections.services import comments as comment_services  # noqa: E402

Row = tuple[str, str, list[float], float, float]  # name, baseline, per-round ratios, ours/s, theirs/s
META = {"actor": {"kind": "reader"}}


def compare(ours: Callable[[], object], theirs: Callable[[], object], n: int) -> tuple[list[float], float, float]:
    """Warm up, then ROUNDS interleaved repetitions; per-round ratios (ours/theirs) and median rates."""
    rate(ours, max(1, n // 5))
    rate(theirs, max(1, n // 5))
    ratios, mine, base = interleaved(ours, theirs, n, ROUNDS)
    return ratios, statistics.median(mine), statistics.median(base)


def raw_connection() -> psycopg.Connection:
    return psycopg.connect(URL.replace("postgres://", "postgresql://"), autocommit=True)


# --- 1 and 2: appends -------------------------------------------------------------


def append_rows() -> list[Row]:
    services.article_publish(slug="bench-append", title="Bench", body="The council met on Tuesday.", meta=META)
    counter = iter(range(10**9))

    def comment() -> None:
        n = next(counter)
        comment_services.comment_post(slug="bench-append", body=f"Comment {n}", author_name="Reader", meta=META)

    raw = raw_connection()
    # The same row shape, indexes and constraints as the log, in a table of its own: the log stays verifiable.
    raw.execute("CREATE TABLE bench_raw_event (LIKE corrections_event INCLUDING ALL)")
    stream, versions = uuid.uuid4(), iter(range(1, 10**9))
    data = (
        '{"author_name":"Reader","author_user_id":null,"body":"Comment 1","comment_id":"%s",'
        '"parent_id":null,"pending":false}'
    )

    def raw_insert() -> None:
        raw.execute(
            "INSERT INTO bench_raw_event (stream_id, version, type, schema, data, meta, recorded_at, hash) "
            "VALUES (%s, %s, 'CommentPosted', 1, %s::jsonb, %s::jsonb, now(), %s)",
            [stream, next(versions), data % uuid.uuid4(), '{"actor":{"kind":"reader"}}', "0" * 64],
        )

    rows: list[Row] = []
    ratios, ours, theirs = compare(comment, raw_insert, 200)
    rows.append(("comment_post (service, read models)", "raw psycopg INSERT, autocommit", ratios, ours, theirs))

    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Story(Aggregate):
        @event("Commented")
        def comment(self, body: str, author_name: str) -> None:
            pass

    os.environ.update(
        PERSISTENCE_MODULE="eventsourcing.postgres",
        POSTGRES_DBNAME=URL.rsplit("/", 1)[1],
        POSTGRES_HOST="127.0.0.1",
        POSTGRES_PORT="5432",
        POSTGRES_USER="postgres",
        POSTGRES_PASSWORD="",
    )
    app: Any = Application()
    story = Story()
    app.save(story)

    def es_save() -> None:
        story.comment(body="Comment 1", author_name="Reader")
        app.save(story)

    ratios, ours, theirs = compare(comment, es_save, 200)
    rows.append(("comment_post (service, read models)", "eventsourcing Application.save()", ratios, ours, theirs))
    raw.close()
    return rows


# --- 3: rebuild --------------------------------------------------------------------


def _scan_share(share: tuple[int, int]) -> None:
    """Every row of one share of the streams (all of them for (0, 1)) into Python objects with psycopg's own
    loaders, in the batches the rebuild reads, on a connection of its own."""
    part, parts = share
    # The same share as the rebuild's workers read (corrections.reading.read_after).
    mine = " AND get_byte(uuid_send(stream_id), 15) %% %s = %s" if parts > 1 else ""
    sql = (
        "SELECT position, stream_id, version, type, schema, data, meta, recorded_at FROM corrections_event "
        f"WHERE position > %s{mine} ORDER BY position LIMIT 5000"
    )
    with psycopg.connect(URL) as conn:
        last = 0
        while rows := conn.execute(sql, [last, *((parts, part) if parts > 1 else ())]).fetchall():
            last = rows[-1][0]


def rebuild_row(workers: int) -> Row:
    """The rebuild with ``workers`` processes against a raw scan by as many processes, of the same shares."""
    import multiprocessing

    total = Event.objects.count()
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None

    def scan() -> None:
        if pool is None:
            _scan_share((0, 1))
        else:
            pool.map(_scan_share, [(part, workers) for part in range(workers)])

    def rebuild() -> None:
        call_command("rebuild_projections", "--no-progress", "--workers", str(workers), stdout=open(os.devnull, "w"))

    ratios: list[float] = []
    mine: list[float] = []
    base: list[float] = []
    for i in range(REBUILD_ROUNDS):
        order = [(rebuild, mine), (scan, base)] if i % 2 == 0 else [(scan, base), (rebuild, mine)]
        times = {}
        for fn, into in order:
            start = time.perf_counter()
            fn()
            times[fn] = time.perf_counter() - start
            into.append(total / times[fn])
        ratios.append(times[scan] / times[rebuild])
    if pool is not None:
        pool.close()
    processes = "1 process" if workers == 1 else f"{workers} processes"
    return (
        f"rebuild_projections, {processes} ({total:,} events)",
        f"raw psycopg scan of the same rows, {processes}",
        ratios,
        statistics.median(mine),
        statistics.median(base),
    )


# --- 4 and 5: reads -------------------------------------------------------------------


def read_rows() -> list[Row]:
    client = Client()
    rows: list[Row] = []
    for label, path in (
        ("article page", "/articles/{slug}/"),
        ("API article detail", "/api/v1/articles/{slug}/"),
        ("API comments, first page", "/api/v1/articles/{slug}/comments/"),
    ):
        for quiet, what in (("bench-quiet", "10 comments"), ("bench-page", "50 (one full page)")):

            def hot(path: str = path) -> None:
                assert client.get(path.format(slug="bench-hot")).status_code == 200

            def few(path: str = path, quiet: str = quiet) -> None:
                assert client.get(path.format(slug=quiet)).status_code == 200

            ratios, ours, theirs = compare(hot, few, 30)
            rows.append((f"{label}, {HOT:,} comments", f"the same, {what}", ratios, ours, theirs))
    return rows


def queue_rows() -> tuple[list[Row], dict[str, float]]:
    """The review API's and the admin's first page of all open work against one article's; p95 of each, and of
    the desk's metrics page."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from corrections.models import Suggestion
    from corrections.roles import editors_group

    user = get_user_model().objects.create_user("bench-editor", "e@example.com", "x" * 12, is_staff=True)
    user.groups.add(editors_group())
    token = Token.objects.create(user=user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    desk = Client()
    desk.force_login(user)
    article = Article.objects.get(slug="bench-quiet")
    pages = {
        "review API": (api, "/api/v1/review/suggestions/", f"?article={article.slug}"),
        "admin list": (desk, "/admin/corrections/suggestion/", f"?article__id__exact={article.id}"),
    }
    count = Suggestion.objects.count()
    rows: list[Row] = []
    p95: dict[str, float] = {}
    for name, (client, url, one) in pages.items():

        def everything(client: Client = client, url: str = url) -> None:
            assert client.get(url).status_code == 200

        def one_article(client: Client = client, url: str = url, one: str = one) -> None:
            assert client.get(url + one).status_code == 200

        ratios, ours, theirs = compare(everything, one_article, 30)
        rows.append((f"{name}, first page, {count:,} suggestions", "one article's queue", ratios, ours, theirs))
        times = []
        for _ in range(40):
            start = time.perf_counter()
            everything()
            times.append(time.perf_counter() - start)
        p95[name] = sorted(times)[int(0.95 * len(times)) - 1] * 1000
    times = []
    for _ in range(20):
        start = time.perf_counter()
        assert desk.get("/admin/corrections/suggestion/metrics/").status_code == 200
        times.append(time.perf_counter() - start)
    p95["desk metrics (30 days)"] = sorted(times)[int(0.95 * len(times)) - 1] * 1000
    return rows, p95


def settle() -> None:
    """What autovacuum would have done by now in production (it is off here): the rebuilt read models
    vacuumed, so that counts can be answered from their indexes alone, and analysed."""
    from corrections.projections import READ_MODELS

    for model in READ_MODELS:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


# --- 6: HTTP under gunicorn ----------------------------------------------------------

CLIENTS = 4  # concurrent client threads, each its own connection


def _serve() -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn with 2 sync workers on the bench database, the production shape (a broker, no eager tasks)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "SUGGESTION_RATE": "1000000000/second",  # measuring the write path, not the throttle's refusals
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsdesk.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import http.client

    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def _load(port: int, request: Callable[[Any, int], int], per_client: int) -> tuple[float, list[float]]:
    """CLIENTS threads each send ``per_client`` requests; the rate over the whole and every request's latency."""
    import http.client
    import threading

    latencies: list[float] = []
    failures: list[int] = []
    counter = iter(range(10**9))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(per_client):
            start = time.perf_counter()
            status = request(conn, next(counter))
            latencies.append(time.perf_counter() - start)
            if status >= 300:
                failures.append(status)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    assert not failures, f"{len(failures)} requests failed: {failures[:5]}"
    return CLIENTS * per_client / elapsed, latencies


def http_row() -> tuple[Row, dict[str, float]]:
    """Reader reports POSTed to the API vs GETs of a trivial JSON view (/healthz), same server, same clients."""
    import json

    server, port = _serve()
    run_id = uuid.uuid4().hex[:8]

    def report(conn: Any, n: int) -> int:
        body = json.dumps({"exact": "Tuesday", "suggestion": f"Wednesday {run_id} {n}", "category": "typo"})
        conn.request("POST", "/api/v1/articles/bench-append/suggestions/", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status

    def trivial(conn: Any, n: int) -> int:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status

    try:
        _load(port, report, 10)  # warm-up: both workers connected, caches filled
        _load(port, trivial, 10)
        ratios: list[float] = []
        mine: list[float] = []
        base: list[float] = []
        ours_ms: list[float] = []
        theirs_ms: list[float] = []
        for i in range(ROUNDS):
            sides = [(report, mine, ours_ms), (trivial, base, theirs_ms)]
            for fn, rates, latencies in sides if i % 2 == 0 else reversed(sides):
                rate_, took = _load(port, fn, 40)
                rates.append(rate_)
                latencies.extend(took)
            ratios.append(mine[-1] / base[-1])
    finally:
        server.terminate()
        server.wait(20)
        broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
        if broker.startswith("redis://"):
            import redis

            redis.Redis.from_url(broker).flushdb()  # the notices no worker took

    def pct(values: list[float], q: float) -> float:
        return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000

    latency = {
        "report p50": pct(ours_ms, 0.5),
        "report p99": pct(ours_ms, 0.99),
        "trivial p50": pct(theirs_ms, 0.5),
        "trivial p99": pct(theirs_ms, 0.99),
    }
    row = (
        f"POST report, gunicorn 2 workers, {CLIENTS} clients",
        "GET /healthz (trivial JSON), same server",
        ratios,
        statistics.median(mine),
        statistics.median(base),
    )
    return row, latency


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    filling = time.perf_counter()
    call_command("bench_fill", events=EVENTS, hot_comments=HOT, no_progress=True, stdout=open(os.devnull, "w"))
    filled = time.perf_counter() - filling
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # autovacuum may be off: plans need statistics
    rows = append_rows()
    rows.append(rebuild_row(1))
    rows.append(rebuild_row(2))
    settle()
    rows += read_rows()
    queues, p95 = queue_rows()
    rows += queues
    http, latency = http_row()
    rows.append(http)
    major = connection.pg_version // 10000  # type: ignore[attr-defined]
    print(
        f"\nNewsdesk benchmarks on PostgreSQL {major}, {Event.objects.count():,} events, "
        f"{ROUNDS} interleaved rounds after a warm-up ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)\n"
    )
    print(f"| {'Newsdesk':<40} | {'baseline':<34} | {'ours/s':>9} | {'base/s':>9} | {'median':>6} | {'min':>6} |")
    print(f"|{'-' * 42}|{'-' * 36}|{'-' * 11}|{'-' * 11}|{'-' * 8}|{'-' * 8}|")
    for name, base, ratios, ours, theirs in rows:
        print(
            f"| {name:<40} | {base:<34} | {ours:>9,.0f} | {theirs:>9,.0f} | "
            f"{statistics.median(ratios):>6.2f} | {min(ratios):>6.2f} |"
        )
    print(f"\nbench_fill wrote, chained and rebuilt {EVENTS + 3 + HOT + 60:,} events in {filled:.0f} s")
    print("Latency under gunicorn (ms): " + ", ".join(f"{name} {value:.0f}" for name, value in latency.items()))
    print("The desk, p95 (ms): " + ", ".join(f"{n} {v:.0f}" for n, v in p95.items()))
    print(f"\n(ratio = Newsdesk rate / baseline rate; {time.perf_counter() - started:.0f} s in all)")
    verify = subprocess.run([sys.executable, "manage.py", "verify_log"], cwd=ROOT, capture_output=True, text=True)
    print(verify.stdout.strip() or verify.stderr.strip())


if __name__ == "__main__":
    main()
