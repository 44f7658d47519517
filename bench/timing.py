"""How every bench row times its two sides: rates over n calls, in rounds that alternate which side goes first."""

from __future__ import annotations

import time
from collections.abc import Callable


def rate(fn: Callable[[], object], n: int) -> float:
    """Operations per second over n calls."""
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def interleaved(
    ours: Callable[[], object], theirs: Callable[[], object], n: int, rounds: int
) -> tuple[list[float], list[float], list[float]]:
    """``rounds`` rounds of n calls a side (A B, B A, …): each round's ratio (ours/theirs) and both sides' rates."""
    ratios: list[float] = []
    mine: list[float] = []
    base: list[float] = []
    for i in range(rounds):
        if i % 2:
            b, a = rate(theirs, n), rate(ours, n)
        else:
            a, b = rate(ours, n), rate(theirs, n)
        ratios.append(a / b)
        mine.append(a)
        base.append(b)
    return ratios, mine, base
