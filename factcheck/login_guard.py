"""Password guessing: who is slowed, by how much, and who always gets in.

Nothing here locks anyone out. Three limits each count failed log-ins, let the first
ones through free, and then make further attempts wait: 1 s after the next failure,
then 2, 4, 8 … up to ``FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS`` (15 minutes). An attempt
that comes sooner is answered 429 with ``Retry-After`` and "try again in N seconds",
without its password being checked (no worker sleeps), and is not counted. When a wait
is over, one attempt (the first to claim the opening, however many arrive at once) has
its password checked; the right password logs in, a wrong one starts the next, longer
wait. A successful log-in clears the counts of its username and of its (username,
address) pair. Counts are forgotten a day after their last failure.

1. **One username from one address** (the pair): after ``FACTCHECK_LOGIN_FAILURE_LIMIT``
   (5) failures. Applies to every attempt: this is what stops a guesser who shares the
   real user's address (a newsroom's NAT, or everyone when ``DJANGO_BEHIND_PROXY`` is
   off and all requests come from the proxy).
2. **One address, many usernames**: after ``FACTCHECK_LOGIN_ADDRESS_FAILURE_LIMIT`` (20)
   failures from the address, whatever the usernames. Applies only to usernames the
   address is not familiar with, so a password sprayed from the office's address slows
   newcomers there, never the colleagues who log in from it every day.
3. **One username, many addresses**: after ``FACTCHECK_LOGIN_SLOWDOWN_AFTER`` (10)
   failures for the username from anywhere. Applies only to addresses the username is
   not familiar with; the waits belong to the username, so spreading guesses over more
   addresses gains nothing: one guess per opening.

An address is *familiar* to a username when it logged in from there within
``KNOWN_ADDRESS_DAYS`` (axes's access log, in the database). A browser is a *known
device* when it carries the cookie ``factcheck_device`` that a log-in as that username
gave it within the same days (signed with the secret key, HttpOnly): its attempts are
counted under a pair of their own, (username, that device), wherever it is, and limits
2 and 3 do not apply to it.

Why the real user still gets in: on their own browser, nothing anyone else does slows
them; only their own five wrong passwords would. From a familiar address only limit 1
applies, so guessing from elsewhere never slows them; five guesses from their own
address cost them a wait of 1 s, ten of 32 s, and at most 15 minutes after the
guesser's last failure, never a lock. A guesser at the same address who keeps claiming
every opening keeps a browser without the cookie waiting too (the two cannot be told
apart); then the way in is their own browser, another address, or an admin's
``manage.py unlock``. At worst a guesser gets, per username, 5 + 10 passwords checked in
the first 17 minutes and then 4 an hour from one address (or one stolen cookie).

Counts and waits live in the cache (Redis in production, shared by every worker; per
process while Redis is down: factcheck/cache.py). Attempts are counted when they begin
(an atomic increment) and an opening is claimed with an atomic add, so parallel guesses
cannot slip through the same opening. django-axes only records: failures (its admin
lists them) and log-ins (familiarity); ``AXES_LOCK_OUT_AT_FAILURE`` is off.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from axes.models import AccessLog
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SLOWED = (
    "Too many failed log-ins for this username. Try again in {wait}, or ask an admin to unlock it."
)
PAIR_SLOWED = (
    "Too many failed log-ins for this username from your address. Try again in {wait}, or "
    "ask an admin to unlock it."
)
ADDRESS_SLOWED = (
    "Too many failed log-ins from your address. Try again in {wait}, or ask an admin to unlock it."
)
DEVICE_SLOWED = (
    "Too many failed log-ins for this username on this browser. Try again in {wait}, or ask "
    "an admin to unlock it."
)
MESSAGES = {
    "username": SLOWED,
    "pair": PAIR_SLOWED,
    "address": ADDRESS_SLOWED,
    "device": DEVICE_SLOWED,
}
KNOWN_ADDRESS_DAYS = 30
MEMORY_SECONDS = 24 * 3600  # failures are forgotten a day after the last one
DEVICE_COOKIE = "factcheck_device"
DEVICE_SALT = "factcheck.login_guard.device"


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


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _key(kind: str, username: str) -> str:
    return f"login-guard:{kind}:{_hash(username)}"


def delay_after(failures: int, free: int | None = None) -> int:
    """Seconds to wait after the ``failures``-th failure of a limit that lets ``free``
    through (the username limit's, unless said)."""
    if free is None:
        free = settings.FACTCHECK_LOGIN_SLOWDOWN_AFTER
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 30), settings.FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS)


@dataclass(frozen=True)
class Limit:
    """One of the three limits, for one username, address or pair: its count of
    failures, the time its next opening comes, and the claims on openings."""

    kind: str  # "username", "pair", "address" or "device" (a pair with a known device)
    key: str  # "login-guard:<kind>-failures:<hash>"
    free: int

    @property
    def message(self) -> str:
        return MESSAGES[self.kind]

    def spares(self, familiar: bool) -> bool:
        """Whether an attempt from a familiar address is exempt (all but the pairs)."""
        return familiar and self.kind in ("username", "address")

    @property
    def hold_key(self) -> str:
        return self.key + ":hold"

    def count(self) -> int:
        cache.add(self.key, 0, MEMORY_SECONDS)
        try:
            number = cache.incr(self.key)
        except ValueError:  # expired between the two calls
            cache.set(self.key, 1, MEMORY_SECONDS)
            number = 1
        cache.touch(self.key, MEMORY_SECONDS)
        return number

    def uncount(self) -> None:
        with contextlib.suppress(ValueError):  # reset meanwhile by a successful log-in
            cache.decr(self.key)

    def failures(self) -> int:
        return cache.get(self.key, 0)

    def opens_at(self) -> float:
        return cache.get(self.hold_key, 0.0)

    def claim(self, opens_at: float) -> bool:
        """Take the opening at ``opens_at``: true for one attempt only."""
        return cache.add(f"{self.key}:claim:{opens_at!r}", 1, MEMORY_SECONDS)

    def failed(self, number: int) -> None:
        wait = delay_after(number, self.free)
        if wait:  # the next opening
            cache.set(self.hold_key, now() + wait, MEMORY_SECONDS)

    def forget(self) -> None:
        cache.delete_many([self.key, self.hold_key])


def _generation(kind: str, name: str) -> str:
    """Changed by ``unlock``: the pairs' keys include it, so an unlock forgets every pair
    of a username (or of an address) without having to find them."""
    return str(cache.get(_key(f"{kind}-generation", name), 0))


def username_limit(username: str) -> Limit:
    return Limit("username", _key("failures", username), settings.FACTCHECK_LOGIN_SLOWDOWN_AFTER)


def address_limit(address: str) -> Limit:
    free = settings.FACTCHECK_LOGIN_ADDRESS_FAILURE_LIMIT
    return Limit("address", _key("address-failures", address), free)


def pair_limit(username: str, address: str) -> Limit:
    generations = (_generation("username", username), _generation("address", address))
    key = f"login-guard:pair-failures:{_hash(username, address, *generations)}"
    return Limit("pair", key, settings.FACTCHECK_LOGIN_FAILURE_LIMIT)


def device_limit(username: str, device: str) -> Limit:
    """The pair of a username and a known device (an unlock of the username forgets it)."""
    generation = _generation("username", username)
    key = f"login-guard:device-failures:{_hash(username, device, generation)}"
    return Limit("device", key, settings.FACTCHECK_LOGIN_FAILURE_LIMIT)


def failures(username: str) -> int:
    """A username's failures from anywhere (limit 3's count)."""
    return username_limit(username).failures()


def reset_username(username: str) -> int:
    """Forget a username's failures, from anywhere and from each address, and lift its
    waits; how many failures there were."""
    limit = username_limit(username)
    count = limit.failures()
    limit.forget()
    cache.set(_key("username-generation", username), now(), None)
    return count


def reset_address(address: str) -> int:
    """Forget an address's failures, whatever the usernames and for each of them, and
    lift its waits; how many failures there were."""
    limit = address_limit(address)
    count = limit.failures()
    limit.forget()
    cache.set(_key("address-generation", address), now(), None)
    return count


def device_of(request: HttpRequest, username: str) -> str | None:
    """The id of the browser's device cookie, if it was given at a log-in as ``username``
    within ``KNOWN_ADDRESS_DAYS`` (signed with the secret key: it cannot be made up)."""
    token = request.COOKIES.get(DEVICE_COOKIE)
    if not token:
        return None
    try:
        value = signing.loads(token, salt=DEVICE_SALT, max_age=KNOWN_ADDRESS_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != _hash(username):
        return None
    return str(value.get("d") or "") or None


def remember_device(request: HttpRequest, username: str) -> None:
    """After a log-in: the browser gets (or renews) its device cookie for ``username``;
    ``DeviceCookieMiddleware`` sets it on the response."""
    device = device_of(request, username) or secrets.token_urlsafe(12)
    value = {"u": _hash(username), "d": device}
    request.login_device = signing.dumps(value, salt=DEVICE_SALT)  # type: ignore[attr-defined]  # for the middleware


class DeviceCookieMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = getattr(request, "login_device", None)
        if token:
            response.set_cookie(
                DEVICE_COOKIE, token, max_age=KNOWN_ADDRESS_DAYS * 24 * 3600,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
            )  # fmt: skip
        return response


def is_familiar(username: str, address: str | None) -> bool:
    if not address:
        return False
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


@dataclass
class Attempt:
    """One log-in attempt let through to the password check; ``finish`` it with the result."""

    username: str | None  # None: not guarded (the guard is off)
    counted: list[tuple[Limit, int]] = field(default_factory=list)  # each limit, and its number
    request: HttpRequest | None = None

    def finish(self, *, failed: bool) -> None:
        if self.username is None:
            return
        if not failed:
            for limit, _ in self.counted:
                if limit.kind == "address":
                    limit.uncount()  # not a failure; the address's other failures stand
                else:
                    limit.forget()
            if self.request is not None:
                remember_device(self.request, self.username)
            return
        for limit, number in self.counted:
            limit.failed(number)


def begin(request: HttpRequest, username: str) -> Attempt:
    """Let an attempt at ``username`` through, or raise LoginRefused saying how long to wait."""
    if not settings.AXES_ENABLED:
        return Attempt(None)
    address = client_address(request) or ""
    device = device_of(request, username)
    if device:
        # A browser that logged in as this username before: its own pair, wherever it
        # is, and neither the address's limit nor the username's.
        limits = [username_limit(username), device_limit(username, device)]
        applies = limits[1:]
    else:
        limits = [username_limit(username), pair_limit(username, address)]
        if address:
            limits.append(address_limit(address))
        # The pair's limit holds whoever asks; the others spare a familiar address.
        familiar = is_familiar(username, address)
        applies = [limit for limit in limits if not limit.spares(familiar)]
    # A wait that is still running: refused, nothing counted.
    waits = [(math.ceil(limit.opens_at() - now()), limit) for limit in applies]
    left, limit = max(waits, key=lambda wait: wait[0])
    if left > 0:
        raise LoginRefused(limit.message.format(wait=humane(left)), left)
    # Counted under every limit (a familiar address's failures count too); past a
    # limit's free failures, the attempt must claim that limit's opening.
    counted = [(limit, limit.count()) for limit in limits]
    for limit, number in counted:
        if limit in applies and number > limit.free and not limit.claim(limit.opens_at()):
            for each, _ in counted:
                each.uncount()
            wait = max(1, delay_after(number - 1, limit.free))
            raise LoginRefused(limit.message.format(wait=humane(wait)), wait)
    return Attempt(username, counted, request)
