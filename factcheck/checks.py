"""System checks for a production deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

from factcheck import forwarding

# Caches whose entries live in one process (or nowhere): with several gunicorn workers,
# each counts throttles and failed log-ins on its own.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}

W001 = (
    "The default cache is per-process ({backend}): every gunicorn worker keeps its own "
    "API throttle counters and log-in slow-down, so each limit is multiplied by the "
    "number of workers."
)


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        CheckWarning(
            W001.format(backend=backend.rsplit(".", 1)[-1]),
            hint="Set REDIS_URL (for example redis://127.0.0.1:6379/0) so that every "
            "worker shares them.",
            id="factcheck.W001",
        )
    ]


W002 = (
    "Requests have arrived with X-Forwarded-For (the last at {at}, from {peer}) while "
    "DJANGO_BEHIND_PROXY is off: if they came through a proxy, every user has its address, "
    "and the log-in limits slow down everyone behind it together."
)


@register(Tags.security, deploy=True)
def check_proxy_setting(app_configs=None, **kwargs) -> list[CheckMessage]:
    """What factcheck.forwarding's middleware saw (a check cannot see requests itself)."""
    if settings.DEBUG or settings.FACTCHECK_BEHIND_PROXY:
        return []
    sighting = forwarding.last_sighting()
    if sighting is None:
        return []
    return [
        CheckWarning(
            W002.format(at=sighting["at"], peer=sighting["peer"]),
            hint="Behind a proxy, set DJANGO_BEHIND_PROXY=true and DJANGO_PROXY_COUNT to the "
            "number of proxies. Reached directly, a client wrote the header itself; then "
            "ignore this (it is forgotten after "
            f"{forwarding.MARKER_DAYS} days without such a request).",
            id="factcheck.W002",
        )
    ]
