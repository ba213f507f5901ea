"""The cache when Redis is down: every worker carries on with a memory cache of its own.

What the cache holds here is counting, never data: the API's throttle counters, the
log-in guard's failures and waits (factcheck/login_guard.py) and the proxy-header
marker (factcheck/forwarding.py). None of it is worth a 500, so a Redis that cannot be
reached (refused, timed out) is not an error: ``DegradingRedisCache`` logs one warning,
answers from a per-process ``LocMemCache`` for ``RETRY_SECONDS``, then tries Redis
again (each process pays the connection time-out at most once per ``RETRY_SECONDS``).

Per use, that means:

- API throttles fail open to per-process counts: each worker counts on its own, so the
  limit is the rate times the number of workers until Redis is back.
- The log-in slow-downs count per process too: weaker against a guesser spreading over
  workers, never a lock-out of everyone. The records of failures and log-ins that decide
  familiarity live in the database (axes) and are not affected.
- Nothing fails closed, since nothing in the cache guards data. A future use that must
  be exact (a lock, a once-only key) does not belong in this cache.

What was counted locally is dropped when Redis comes back; Redis's own counts resume.
Errors that are not about reaching Redis (a wrong command, a bad value) still raise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (
    "Redis at %s cannot be reached (%s): the cache answers from this process's memory "
    "(throttles and log-in slow-downs count per process) and tries Redis again every %d s"
)
BACK = "Redis at %s answers again: the cache is shared again"
RETRY_SECONDS = 5
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """Whether a Redis is being skipped, shared by the threads of one process (Django
    makes a cache object per thread)."""

    def __init__(self) -> None:
        self.down = False
        self.retry_at = 0.0


_outages: dict[str, _Outage] = {}


def _either(name: str) -> Callable[..., Any]:
    """Cache method ``name``: Redis's, or the local cache's while Redis is down."""

    def method(self: DegradingRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._redis_or_local(name, *args, **kwargs)

    method.__name__ = name
    return method


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # host:port only, for the log: a Redis URL may carry a password.
        self._where = ", ".join(f"{urlsplit(url).hostname}:{urlsplit(url).port or 6379}"
                                for url in self._servers)  # type: ignore[attr-defined]  # RedisCache's  # fmt: skip
        self._outage = _outages.setdefault(self._where, _Outage())
        names = ("TIMEOUT", "KEY_PREFIX", "VERSION")
        local: dict[str, Any] = {key: params[key] for key in names if key in params}
        self._local = LocMemCache(f"redis-down:{self._where}", local)

    def _redis_or_local(self, name: str, *args: Any, **kwargs: Any) -> Any:
        outage = self._outage
        if not outage.down or time.monotonic() >= outage.retry_at:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except REDIS_DOWN as exc:
                if not outage.down:
                    logger.warning(UNREACHABLE, self._where, exc, RETRY_SECONDS)
                outage.down, outage.retry_at = True, time.monotonic() + RETRY_SECONDS
            else:
                if outage.down:
                    outage.down = False
                    logger.warning(BACK, self._where)
                return result
        return getattr(self._local, name)(*args, **kwargs)

    # BaseCache builds decr, get_or_set, incr_version and the async methods on these.
    add = _either("add")
    get = _either("get")
    set = _either("set")
    touch = _either("touch")
    delete = _either("delete")
    get_many = _either("get_many")
    has_key = _either("has_key")
    incr = _either("incr")
    set_many = _either("set_many")
    delete_many = _either("delete_many")
    clear = _either("clear")
