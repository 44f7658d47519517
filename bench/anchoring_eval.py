"""The anchoring evaluation over more cases than the tests draw: prints the table of issue 13.

    python bench/anchoring_eval.py [cases per kind, default 1000] [--baseline]

``--baseline`` also prints the same cases re-anchored the way it was done
before diff mapping (searching the new text again for the quote and its context).
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corrections.domain.remap import DELETED, INTACT, Followed
from corrections.domain.suggestions import reanchor
from tests.anchoring_eval_support import KINDS, Case, Tally, make_case, outcome, run, table


def research(case: Case) -> tuple[str, Followed]:
    """The previous way: search the new text for the quote, its context deciding, the old offset breaking ties."""
    quote = case.old[case.start : case.end]
    prefix, suffix = case.old[max(0, case.start - 32) : case.start], case.old[case.end : case.end + 32]
    span = reanchor(case.new, exact=quote, prefix=prefix, suffix=suffix, hint=case.start)
    result = Followed(DELETED, 0, 0, "") if span is None else Followed(INTACT, span.start, span.end, "")
    return outcome(case, result), result


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cases = int(args[0]) if args else 1000
    runners = {"diff mapping": run}
    if "--baseline" in sys.argv:
        runners["re-search from scratch (before)"] = research
    for name, runner in runners.items():
        tallies: dict[str, Tally] = {}
        began = time.perf_counter()
        for kind in KINDS:
            rng = random.Random(kind)  # the same cases for every runner and every run
            tally = Tally(Counter())
            for _ in range(cases):
                case = make_case(kind, rng)
                verdict, result = runner(case)
                tally.add(case, verdict, result)
            tallies[kind] = tally
        elapsed = time.perf_counter() - began
        print(f"\n{name}: {cases} cases per kind, {elapsed / (cases * len(KINDS)) * 1000:.1f} ms a case\n")
        print(table(tallies))


if __name__ == "__main__":
    main()
