"""History benchmark: a 100,000-character article with 100 revisions serves its history in well under a second.

Issue #12 item 4. Run with ``make bench`` (after ``bench/run.py``) or on its own::

    SECRET_KEY=x .venv/bin/python bench/history.py

against a PostgreSQL database you can throw away (``BENCH_HISTORY_DATABASE_URL``,
default ``nd_bench_history`` on the server of ``BENCH_DATABASE_URL``, that is
``postgres://postgres@127.0.0.1:5432/nd_bench_history``; it is dropped and created
afresh). Two articles of about 100,000 characters are published, one
of varied prose and one of five words repeated (the worst case of a word diff),
and each gets ``BENCH_REVISIONS`` revisions through the services (small scattered
edits, paragraphs rewritten, paragraphs moved) and a correction every tenth step.
Each append is timed: the stored diff is computed then, so that is where a long
text costs.

Then, anonymously with ``django.test.Client``, each read is timed against the
same article's plain page (``/articles/<slug>/``: the same text rendered once),
as ``bench/run.py`` does: a warm-up, then ``BENCH_ROUNDS`` rounds in which the
two sides alternate. Every response must be a 200. The history throttle is
lifted for the run (``HISTORY_RATE``), so no request is refused with a 429.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from collections.abc import Callable
from typing import Any

from setup_django import on_fresh_database
from timing import interleaved

# Its own database on BENCH_DATABASE_URL's server, so it never drops the one bench/run.py fills.
URL = os.environ.get("BENCH_HISTORY_DATABASE_URL") or (
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nd_bench").rsplit("/", 1)[0]
    + "/nd_bench_history"
)
SIZE = int(os.environ.get("BENCH_HISTORY_CHARS", "100000"))
REVISIONS = int(os.environ.get("BENCH_REVISIONS", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
#: Each round of the measured side lasts about this long (the number of requests per round follows from it).
ROUND_SECONDS = 0.6
#: A revise slower than this is a finding of its own.
SLOW_APPEND = 2.0
# The bench asks for the same history thousands of times a minute from one address: lift the throttle
# (the throttle still runs, so its cost is in the figures).
os.environ["HISTORY_RATE"] = "1000000/s"

on_fresh_database(URL)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from corrections import services  # noqa: E402
from corrections.domain.commands import ChangeRequest  # noqa: E402
from corrections.models import Article, TextVersion  # noqa: E402

META = {"actor": {"kind": "editor", "username": "bench"}}
Row = tuple[str, str, list[float], list[float], list[float], int]  # name, baseline, ratios, ours/s, base/s, bytes

# --- The texts ---------------------------------------------------------------------------

# Words roughly as often as in news copy: the first of each list most often (Zipf's law over the whole list).
FUNCTION = (
    "the of and to a in that is was for on said with as at by it from he she they have has had be were "
    "his her their this which would but not an or will who been more after its also about than when up "
    "out there one all two new could over into last year people some other"
).split()
CONTENT = (
    "council bridge harbour mayor residents budget million plan work years week city town county street "
    "school hospital police minister government report committee meeting vote members project cost "
    "funding contract company workers union strike road traffic river flood water power station rail "
    "service passengers delays airport housing homes rent prices families children parents teachers "
    "pupils patients doctors nurses ambulance court judge trial evidence witness jury sentence appeal "
    "election candidate party campaign voters poll result majority opposition leader spokesman statement "
    "interview question answer decision review inquiry findings warning safety risk damage repairs "
    "engineers survey design consultation objections planning permission application developer site land "
    "park library museum festival market shops business jobs economy growth inflation rates bank loan "
    "debt tax spending cuts services care support charity volunteers community group residents' association "
    "morning evening Tuesday Monday Friday January March September spring summer winter decade century "
    "rebuilt repaired closed opened announced confirmed denied agreed rejected approved delayed cancelled "
    "expected estimated reported claimed warned promised criticised welcomed described called asked "
    "told wrote published released launched completed started finished began ended raised fell rose "
    "old new local national regional public private early late major minor full final first second third "
    "former current senior junior independent serious significant difficult important recent previous "
    "nearly almost only still already again however instead meanwhile later earlier soon often never"
).split()
NAMES = (
    "Jon Smith|Priya Patel|Ana Kowalska|Tomás Ortega|Grace Mensah|Li Wei|Fatima Haddad|Owen Hughes|"
    "Ingrid Larsen|Kwame Boateng|Marie Dubois|Hamid Rahimi"
).split("|")
VOCABULARY = FUNCTION + CONTENT
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
REPETITIVE = ("the", "a", "bridge", "council", "said")  # as in tests/test_history_cost.py: the worst case
WORD = re.compile(r"\b[a-z]{3,}\b")


def sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(8, 26))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"£{rng.randint(1, 250)}.{rng.randint(0, 9)} million")
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), str(rng.randint(1990, 2026)))
    if rng.random() < 0.25:
        at = rng.randrange(4, len(words))
        words[at] = words[at] + ","
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    if rng.random() < 0.2:
        return f"“{text},” said {rng.choice(NAMES)}."
    return text + rng.choice(".....?")


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def repetitive_paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(REPETITIVE) for _ in range(60))


def article_text(make: Callable[[random.Random], str], rng: random.Random) -> list[str]:
    """Paragraphs adding up to SIZE characters (the last one cut to fit)."""
    paragraphs: list[str] = []
    length = -2
    while length < SIZE:
        paragraphs.append(make(rng))
        length += len(paragraphs[-1]) + 2
    cut = len(paragraphs[-1]) - (length - SIZE)
    paragraphs[-1] = paragraphs[-1][: cut - 1].rstrip() + "."
    return paragraphs


# --- The revisions ------------------------------------------------------------------------


def small_edits(paragraphs: list[str], rng: random.Random, words: tuple[str, ...] | list[str]) -> str:
    """Two to six words changed, inserted or deleted, scattered over the whole text."""
    for _ in range(rng.randint(2, 6)):
        at = rng.randrange(len(paragraphs))
        tokens = paragraphs[at].split(" ")
        i = rng.randrange(len(tokens))
        roll = rng.random()
        if roll < 0.5:
            tokens[i] = rng.choice(words)
        elif roll < 0.75:
            tokens.insert(i, rng.choice(words))
        elif len(tokens) > 1:
            del tokens[i]
        paragraphs[at] = " ".join(tokens)
    return "small edits"


def rewrite_paragraph(paragraphs: list[str], rng: random.Random, make: Callable[[random.Random], str]) -> str:
    paragraphs[rng.randrange(len(paragraphs))] = make(rng)
    return "paragraph rewritten"


def move_paragraph(paragraphs: list[str], rng: random.Random) -> str:
    """A paragraph cut from the first half and put back in the second (or the other way round)."""
    half = len(paragraphs) // 2
    source = rng.randrange(half)
    target = rng.randrange(half, len(paragraphs))
    if rng.random() < 0.5:
        source, target = target, source
    paragraphs.insert(target, paragraphs.pop(source))
    return "paragraph moved"


def correct(slug: str, body: str, rng: random.Random, step: int) -> None:
    """A correction quoting one word of the text at a known place (the place tells repeated words apart)."""
    found = WORD.search(body, rng.randrange(len(body) // 4, 3 * len(body) // 4))
    assert found is not None
    start, word = found.start(), found.group()
    version = Article.objects.get(slug=slug).version
    services.correction_issue(
        slug=slug,
        expected_version=version,
        kind="correction",
        note=f"An earlier version of this article misstated a detail (step {step}).",
        changes=[ChangeRequest(exact=word, replacement=word.upper(), start=start)],
        meta=META,
    )


def write(slug: str, make: Callable[[random.Random], str], words: Any, seed: int) -> dict[str, list[float]]:
    """Publish, then REVISIONS revisions (and a correction every tenth): seconds per append, by kind."""
    rng = random.Random(seed)
    paragraphs = article_text(make, rng)
    times: dict[str, list[float]] = {}

    def timed(kind: str, fn: Callable[..., object], **kwargs: Any) -> None:
        start = time.perf_counter()
        fn(**kwargs)
        times.setdefault(kind, []).append(time.perf_counter() - start)

    timed(
        "publish", services.article_publish, slug=slug, title=f"Bench {slug}", body="\n\n".join(paragraphs), meta=META
    )
    for step in range(1, REVISIONS + 1):
        if step % 10 == 3:
            kind = rewrite_paragraph(paragraphs, rng, make)
        elif step % 10 == 7:
            kind = move_paragraph(paragraphs, rng)
        else:
            kind = small_edits(paragraphs, rng, words)
        body = "\n\n".join(paragraphs)
        version = Article.objects.get(slug=slug).version
        note = "Updated with the council's statement." if step % 2 else ""
        timed(kind, services.article_revise, slug=slug, expected_version=version, body=body, note=note, meta=META)
        if step % 10 == 0:
            timed("correction", correct, slug=slug, body=body, rng=rng, step=step)
            paragraphs = Article.objects.get(slug=slug).body.split("\n\n")
    return times


# --- The reads ----------------------------------------------------------------------------


def compare(ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[list[float], list[float], list[float]]:
    """Warm up, size the rounds, then ROUNDS interleaved rounds: per-round ratios and both sides' rates."""
    for _ in range(2):
        ours()
        theirs()
    start = time.perf_counter()
    ours()
    n = max(3, min(100, round(ROUND_SECONDS / (time.perf_counter() - start))))
    return interleaved(ours, theirs, n, ROUNDS)


def read_rows(slug: str, label: str) -> list[Row]:
    client = Client()
    article = Article.objects.get(slug=slug)
    middle = TextVersion.objects.filter(article=article, from_version__isnull=False).order_by("version")
    adjacent = middle[middle.count() // 2]

    def get(path: str) -> Callable[[], int]:
        def fetch() -> int:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)

        return fetch

    page = get(f"/articles/{slug}/")
    rows: list[Row] = []
    for name, path in (
        ("history page", f"/articles/{slug}/history/"),
        (f"API diff v1→v{article.version}", f"/api/v1/articles/{slug}/diff/?from=1&to={article.version}"),
        (
            f"API diff v{adjacent.from_version}→v{adjacent.version} (adjacent)",
            f"/api/v1/articles/{slug}/diff/?from={adjacent.from_version}&to={adjacent.version}",
        ),
    ):
        ours = get(path)
        ratios, mine, base = compare(ours, page)
        rows.append((f"{label}: {name}", "article page (same text, once)", ratios, mine, base, ours()))
    return rows


def ms(seconds: list[float]) -> str:
    return f"{1000 * statistics.median(seconds):,.0f} (max {1000 * max(seconds):,.0f})"


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    articles = (
        ("bench-prose", "varied prose", paragraph, VOCABULARY, 1),
        ("bench-repetitive", "5 words repeated", repetitive_paragraph, list(REPETITIVE), 2),
    )
    appends = {slug: write(slug, make, words, seed) for slug, _, make, words, seed in articles}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows: list[Row] = []
    for slug, label, *_ in articles:
        rows += read_rows(slug, label)

    major = connection.pg_version // 10000  # type: ignore[attr-defined]
    print(
        f"\nNewsdesk history benchmark on PostgreSQL {major}: {REVISIONS} revisions of ~{SIZE:,}-character articles, "
        f"{ROUNDS} interleaved rounds after a warm-up ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)\n"
    )
    for slug, label, *_ in articles:
        article = Article.objects.get(slug=slug)
        stored = TextVersion.objects.filter(article=article)
        print(
            f"- {slug} ({label}): {len(article.body):,} characters at version {article.version}, "
            f"{stored.count()} stored diffs, {stored.filter(coarse=True).count()} of them coarse"
        )
    print(f"\n| {'append (ms per event, median (max))':<40} | {'bench-prose':>20} | {'bench-repetitive':>20} |")
    print(f"|{'-' * 42}|{'-' * 22}|{'-' * 22}|")
    kinds = ("publish", "small edits", "paragraph rewritten", "paragraph moved", "correction")
    for kind in (k for k in kinds if appends["bench-prose"].get(k)):  # few BENCH_REVISIONS: not every kind ran
        cells = [ms(appends[slug][kind]) for slug, *_ in articles]
        print(f"| {kind + ' (' + str(len(appends['bench-prose'][kind])) + ')':<40} | {cells[0]:>20} | {cells[1]:>20} |")
    slow = [
        (slug, kind, t)
        for slug, times in appends.items()
        for kind in kinds
        for t in times.get(kind, [])
        if t > SLOW_APPEND
    ]
    print(
        f"\nAppends over {SLOW_APPEND:.0f} s: {len(slow) or 'none'}"
        + "".join(f"\n  {slug}, {kind}: {t:.2f} s" for slug, kind, t in slow)
    )

    print(
        f"\n| {'history read (anonymous GET)':<50} | {'baseline':<30} | {'ours/s':>7} | {'base/s':>7} | "
        f"{'median':>6} | {'min':>6} | {'ms median':>9} | {'ms worst':>8} | {'KB':>6} |"
    )
    print(f"|{'-' * 52}|{'-' * 32}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 8}|{'-' * 11}|{'-' * 10}|{'-' * 8}|")
    for name, base, ratios, mine, theirs, size in rows:
        print(
            f"| {name:<50} | {base:<30} | {statistics.median(mine):>7,.1f} | {statistics.median(theirs):>7,.1f} | "
            f"{statistics.median(ratios):>6.2f} | {min(ratios):>6.2f} | {1000 / statistics.median(mine):>9,.0f} | "
            f"{1000 / min(mine):>8,.0f} | {size / 1024:>6,.0f} |"
        )
    print(
        "\n(ratio = history rate / article page rate; ms = milliseconds per request, the median and the slowest "
        f"round's mean; {time.perf_counter() - started:.0f} s in all)"
    )


if __name__ == "__main__":
    main()
