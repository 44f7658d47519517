"""The loop every bulk action runs: a service call per selected item, refusals counted rather than raised."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from ..domain.errors import DomainError

Item = TypeVar("Item")


def each(items: Iterable[Item], act: Callable[[Item], object]) -> tuple[int, list[str]]:
    """Run ``act`` on every item; how many succeeded, and the message of each domain error that skipped one."""
    done, refused = 0, []
    for item in items:
        try:
            act(item)
        except DomainError as error:
            refused.append(error.message)
        else:
            done += 1
    return done, refused
