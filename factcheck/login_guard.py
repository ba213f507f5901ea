"""Password guessing: who is stopped, who is slowed, and who always gets in.

Three limits, each aimed at one kind of guessing, none of which a stranger can turn
against a real user everywhere at once:

1. **One address, one username** (django-axes): after ``FACTCHECK_LOGIN_FAILURE_LIMIT``
   failures the pair (username, address) is locked for ``FACTCHECK_LOGIN_LOCKOUT_MINUTES``
   after its last attempt. The same username from any other address is not affected.
2. **One address, many usernames**: after ``FACTCHECK_LOGIN_ADDRESS_FAILURE_LIMIT``
   failures within the same minutes, whatever the usernames, the address is refused for
   the same time. Counted from axes's records, so ``axes_reset_ip`` lifts it too.
3. **Many addresses, one username**: after ``FACTCHECK_LOGIN_SLOWDOWN_AFTER`` failures
   for a username from anywhere, each further attempt for it from an *unfamiliar*
   address must wait: 1 s after the next failure, then 2, 4, 8 … up to
   ``FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS``. An attempt that comes sooner is refused
   with "try again in N seconds" without its password being checked (no worker
   sleeps). The waits belong to the username, not to an address, so spreading the
   guesses over more addresses gains nothing: one guess per slot. The count is kept
   in the cache (Redis in production, shared by every worker) and forgotten a day
   after the last failure, or at the username's next successful log-in.

Why the real user still gets in: an address from which the user has logged in within
``KNOWN_ADDRESS_DAYS`` (axes's access log) is familiar and never waits, so guessing
from elsewhere cannot keep them out of their usual desk or laptop; a lock-out there
needs guesses from that very address (limit 1). From an unfamiliar address the wait is
at most the maximum, whatever the attacker does; while an attacker keeps claiming
every slot, the way in is a familiar address or an admin's ``manage.py unlock``.

Attempts are counted when they begin (an atomic increment) and a slot is claimed with
an atomic add, so parallel guesses cannot slip through the same opening. Only
attempts whose password was checked count: a refused attempt is not a failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

SLOWED = (
    "Too many failed log-ins for this username. Try again in {wait}, or ask an admin to unlock it."
)
ADDRESS_LOCKED = (
    "Too many failed log-ins from your address. Try again in {wait}, or ask an admin to unlock it."
)
KNOWN_ADDRESS_DAYS = 30
MEMORY_SECONDS = 24 * 3600  # a username's failures are forgotten a day after the last one


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address (axes's ``AXES_CLIENT_IP_CALLABLE``).

    Behind our proxies (``DJANGO_BEHIND_PROXY``), the address the first of them saw:
    each proxy appends the address it received the request from to ``X-Forwarded-For``,
    so with ``DJANGO_PROXY_COUNT`` proxies it is the entry that many places from the
    right. Entries further left were written by the client and prove nothing. Without
    the setting the header is ignored: anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.FACTCHECK_BEHIND_PROXY:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    count = settings.FACTCHECK_PROXY_COUNT
    if count < 1 or len(hops) < count:
        return remote  # did not come through all of our proxies
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def humane(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second" + ("" if seconds == 1 else "s")
    return f"{math.ceil(seconds / 60)} minutes"


class LoginRefused(Exception):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def now() -> float:
    return time.time()


def _key(kind: str, username: str) -> str:
    return f"login-guard:{kind}:{hashlib.sha256(username.encode()).hexdigest()}"


def delay_after(failures: int) -> int:
    """Seconds an unfamiliar address waits after a username's ``failures``-th failure."""
    free = settings.FACTCHECK_LOGIN_SLOWDOWN_AFTER
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 30), settings.FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS)


def _count_attempt(username: str) -> int:
    key = _key("failures", username)
    cache.add(key, 0, MEMORY_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, MEMORY_SECONDS)
        count = 1
    cache.touch(key, MEMORY_SECONDS)
    return count


def _uncount_attempt(username: str) -> None:
    with contextlib.suppress(ValueError):  # reset meanwhile by a successful log-in
        cache.decr(_key("failures", username))


def failures(username: str) -> int:
    return cache.get(_key("failures", username), 0)


def reset_username(username: str) -> int:
    """Forget a username's failures and lift its wait; how many failures there were."""
    count = failures(username)
    cache.delete_many([_key("failures", username), _key("hold", username)])
    return count


def is_familiar(username: str, address: str | None) -> bool:
    if not address:
        return False
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


def address_lock_seconds(address: str | None) -> int:
    """Seconds left of the lock on an address that failed too often, whatever the usernames."""
    if not address:
        return 0
    lockout = timedelta(minutes=settings.FACTCHECK_LOGIN_LOCKOUT_MINUTES)
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=timezone.now() - lockout
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (recent["failures"] or 0) < settings.FACTCHECK_LOGIN_ADDRESS_FAILURE_LIMIT:
        return 0
    left = (recent["last"] + lockout - timezone.now()).total_seconds()
    return max(1, math.ceil(left))


@dataclass
class Attempt:
    """One log-in attempt let through to the password check; ``finish`` it with the result."""

    username: str | None  # None: not counted here (axes refuses it and says why)
    number: int = 0

    def finish(self, *, failed: bool) -> None:
        if self.username is None:
            return
        if not failed:
            reset_username(self.username)
            return
        wait = delay_after(self.number)
        if wait:  # the next opening for unfamiliar addresses
            cache.set(_key("hold", self.username), now() + wait, MEMORY_SECONDS)


def begin(request: HttpRequest, username: str) -> Attempt:
    """Let an attempt at ``username`` through, or raise LoginRefused saying how long to wait."""
    if not settings.AXES_ENABLED:
        return Attempt(None)
    if AxesProxyHandler.is_locked(request, {settings.AXES_USERNAME_FORM_FIELD: username}):
        return Attempt(None)
    address = client_address(request)
    locked = address_lock_seconds(address)
    if locked:
        raise LoginRefused(ADDRESS_LOCKED.format(wait=humane(locked)), locked)
    number = _count_attempt(username)
    if number > settings.FACTCHECK_LOGIN_SLOWDOWN_AFTER and not is_familiar(username, address):
        opens_at = cache.get(_key("hold", username), 0.0)
        left = math.ceil(opens_at - now())
        # Claim the opening: one attempt gets it, however many arrive at once.
        claim = f"{_key('claim', username)}:{opens_at!r}"
        if left > 0 or not cache.add(claim, 1, MEMORY_SECONDS):
            _uncount_attempt(username)
            left = left if left > 0 else delay_after(number)
            raise LoginRefused(SLOWED.format(wait=humane(left)), left)
    return Attempt(username, number)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """Axes's lock-out page (``AXES_LOCKOUT_CALLABLE``), with the real numbers."""
    seconds = settings.FACTCHECK_LOGIN_LOCKOUT_MINUTES * 60
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "lockout": humane(seconds)}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
