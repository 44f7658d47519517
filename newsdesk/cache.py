"""A Redis cache that degrades to process memory while Redis is unreachable.

The cache holds throttle counters and nothing that must survive: losing Redis for a
while should make throttling per process (a little more lenient), never make a
reader's request fail. After a failure the process stays on its local memory for
``RETRY_SECONDS`` before trying Redis again, so an outage does not cost every
request a connection timeout.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

RETRY_SECONDS = 5.0


def _with_fallback(method: F) -> F:
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._down_until:
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._down_until = time.monotonic() + RETRY_SECONDS
                logger.warning(
                    "Cache at %s is unreachable (%s); using this process's memory for %.0f s.",
                    self._location,
                    error,
                    RETRY_SECONDS,
                )
        return getattr(self._local, name)(*args, **kwargs)

    return cast(F, wrapper)


class FallbackRedisCache(RedisCache):
    """Django's RedisCache, with every operation falling back to a LocMemCache when Redis fails."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server
        self._down_until = 0.0
        self._local = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})

    add = _with_fallback(RedisCache.add)
    get = _with_fallback(RedisCache.get)
    set = _with_fallback(RedisCache.set)
    touch = _with_fallback(RedisCache.touch)
    delete = _with_fallback(RedisCache.delete)
    get_many = _with_fallback(RedisCache.get_many)
    has_key = _with_fallback(RedisCache.has_key)
    incr = _with_fallback(RedisCache.incr)
    set_many = _with_fallback(RedisCache.set_many)
    delete_many = _with_fallback(RedisCache.delete_many)
    clear = _with_fallback(RedisCache.clear)
