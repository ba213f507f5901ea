"""Settings for the benchmarks: the app's own settings, served over plain HTTP on loopback.

Everything the app does on a request stays on (middleware, CSP, axes, throttling);
only what cannot work on 127.0.0.1 without TLS is switched off, and the throttle
rates are raised so that one benchmark user is not cut off at 2,000 requests a
minute (the throttle still runs its cache look-up on every request).
"""

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
# The default SQLite file (when DATABASE_URL is unset) goes to bench/data/, never var/.
os.environ.setdefault("FACTCHECK_VAR_DIR", str(BENCH_DIR / "data" / "var"))

from factcheck.settings import *  # noqa: E402, F403
from factcheck.settings import INSTALLED_APPS, REST_FRAMEWORK, STORAGES  # noqa: E402

# The benchmarks' own commands (generate_bench_data): installed here only, so that
# production's manage.py never lists them.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"

# No collectstatic step: WhiteNoise serves the files from the apps' static/ folders,
# found once at start-up (the same middleware as production, the names unhashed).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

UNLIMITED = "1000000/minute"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": UNLIMITED, "user": UNLIMITED, "export": UNLIMITED},
}
