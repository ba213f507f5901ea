"""Settings for factcheck, driven by environment variables.

Every value that differs between a laptop and production comes from the
environment; see the README's "Configuration" table for the full list.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = envstr("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-only-key-never-used-when-debug-is-off"  # noqa: S105

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "annotations",
    "factcheck",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files answered before anything else runs (no session, no database).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (the CSRF check reads the whole form).
    "factcheck.middleware.RequestSizeLimitMiddleware",
    "factcheck.middleware.QueryStringGuardMiddleware",
    # Notes X-Forwarded-For arriving while DJANGO_BEHIND_PROXY is off (check --deploy says).
    "factcheck.forwarding.ForwardedForWatchMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "factcheck.middleware.LoginRefusalMiddleware",
    # Gives a browser that logged in its device cookie (factcheck/login_guard.py).
    "factcheck.login_guard.DeviceCookieMiddleware",
    # Last, so it sees a view's exception first: a database that is away is a 503.
    "factcheck.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in var/ by default, PostgreSQL (or anything dj-database-url
# understands) through DATABASE_URL.
VAR_DIR = Path(envstr("FACTCHECK_VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'factcheck.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
        # A kept connection is tried before each request reuses it: after a database
        # restart the first request reconnects instead of failing on the dead one.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE makes writers
    # queue for the lock (up to the timeout) instead of failing with
    # "database is locked" when a read transaction upgrades to a write.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Tests use a file too (one per process), so they see WAL and the busy timeout
    # exactly as production does; an in-memory database has neither.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's price of a random page read. PostgreSQL's default (4) is a spinning
    # disk's; on SSDs, or with the working set in memory, 1.1 is the usual setting, and
    # with 4 an article's thousand claims were read by scanning the whole claims table
    # (14 ms) instead of through the key (4 ms).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    page_cost = float(envstr("DATABASE_RANDOM_PAGE_COST", "1.1"))
    options["options"] = f"{options.get('options', '')} -c random_page_cost={page_cost}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "factcheck.backends.ModelBackendOneQuery",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotations:home"  # My work
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` gathers the files that WhiteNoise serves with debug off.
STATIC_ROOT = Path(envstr("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With debug off: hashed names, gzip copies and rewritten ES module imports
    # (factcheck/storage.py), read from STATIC_ROOT after collectstatic. In development
    # and tests: the files as they are in each app's static/ folder, no collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "factcheck.storage.StaticFilesStorage"
    },
}
if DEBUG:
    # WhiteNoise finds each file in the apps' folders at request time. (pytest-django turns
    # DEBUG off while tests run; these keep their development values.)
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# Request sizes. A request declaring a body larger than the largest import upload (the
# importer's file limit and a margin for the form around it) is refused with 413 before
# anything reads it (factcheck/middleware.py). Below that, Django holds up to 2.5 MB of
# form fields in memory and each uploaded file up to the import limit (the importer reads
# it whole anyway); anything larger spools to a temporary file.
FACTCHECK_IMPORT_MAX_BYTES = envint("FACTCHECK_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
FACTCHECK_REQUEST_MAX_BYTES = FACTCHECK_IMPORT_MAX_BYTES + 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = FACTCHECK_IMPORT_MAX_BYTES + 1

# Reading pages from the web (annotations/fetching.py). Private, loopback and link-local
# addresses are refused unless FACTCHECK_FETCH_ALLOW_PRIVATE is on (tests serve pages from
# 127.0.0.1; never turn it on where the server can reach an internal network).
FACTCHECK_FETCH_ALLOW_PRIVATE = envbool("FACTCHECK_FETCH_ALLOW_PRIVATE", False)
FACTCHECK_FETCH_TIMEOUT = envint("FACTCHECK_FETCH_TIMEOUT", 10)
FACTCHECK_FETCH_TOTAL_SECONDS = envint("FACTCHECK_FETCH_TOTAL_SECONDS", 30)
FACTCHECK_FETCH_MAX_BYTES = envint("FACTCHECK_FETCH_MAX_BYTES", FACTCHECK_IMPORT_MAX_BYTES)
FACTCHECK_FETCH_MAX_REDIRECTS = envint("FACTCHECK_FETCH_MAX_REDIRECTS", 5)
FACTCHECK_FETCH_USER_AGENT = envstr(
    "FACTCHECK_FETCH_USER_AGENT", "factcheck-desk/1.0 (+https://factcheck.example.org/)"
)
# Monitored articles are read again when their last check is older than this.
FACTCHECK_MONITOR_MINUTES = envint("FACTCHECK_MONITOR_MINUTES", 60)

# Background jobs (annotations/jobs.py) on Celery. With CELERY_BROKER_URL set (Redis or
# RabbitMQ), `celery -A factcheck worker` runs them; unset, they run inline in the
# process that asks (the embedded default: make run and make test need no broker).
CELERY_TASK_ALWAYS_EAGER = not envstr("CELERY_BROKER_URL")
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A job's message is acknowledged when the job ends, so a worker that dies mid-job leaves
# it to be delivered again (each item is applied once: annotations/jobs.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hold a request for long: a message that cannot be sent
# in about a second is left to the sweep (the job waits, queued; the email stays due).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis: an unacknowledged message (its worker died) is delivered again after this;
    # the sweep usually runs the job sooner, and a second delivery does nothing.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
}
# A running job's lease: its worker renews it before each address, so it must outlast
# the slowest address (FACTCHECK_FETCH_TOTAL_SECONDS and the import). A job whose lease
# ran out lost its worker: the sweep queues it again.
FACTCHECK_JOB_LEASE_SECONDS = envint("FACTCHECK_JOB_LEASE_SECONDS", 120)
if FACTCHECK_JOB_LEASE_SECONDS <= FACTCHECK_FETCH_TOTAL_SECONDS:
    raise ImproperlyConfigured(
        f"FACTCHECK_JOB_LEASE_SECONDS ({FACTCHECK_JOB_LEASE_SECONDS}) must be longer than "
        f"FACTCHECK_FETCH_TOTAL_SECONDS ({FACTCHECK_FETCH_TOTAL_SECONDS}): a worker renews "
        "a job's lease once per address, and a slow address would lose it."
    )
CELERY_BEAT_SCHEDULE = {
    "check-monitored-articles": {
        "task": "annotations.jobs.check_monitored",
        "schedule": 60.0 * envint("FACTCHECK_MONITOR_CHECK_EVERY_MINUTES", 15),
    },
    # What a fault left behind (annotations/jobs.py, sweep): jobs the broker never got,
    # jobs whose worker vanished, notification emails never sent.
    "sweep": {
        "task": "annotations.jobs.sweep",
        "schedule": float(envint("FACTCHECK_SWEEP_EVERY_SECONDS", 60)),
    },
}

# The organisation that publishes the fact-checks (ClaimReview "author").
FACTCHECK_ORG_NAME = envstr("FACTCHECK_ORG_NAME", "Factcheck Desk (demo)")
FACTCHECK_ORG_URL = envstr("FACTCHECK_ORG_URL", "https://factcheck.example.org/")
FACTCHECK_ORG_LOGO = envstr("FACTCHECK_ORG_LOGO", "https://factcheck.example.org/logo.png")
# Absolute base of the public site, used for stable claim URIs in the export.
# Unset: the scheme, host and port each request was served on (commands: 127.0.0.1:8000).
FACTCHECK_PUBLIC_BASE_URL = envstr("FACTCHECK_PUBLIC_BASE_URL")
FACTCHECK_EXPORT_ANONYMOUS = envbool("FACTCHECK_EXPORT_ANONYMOUS", False)
# Absolute base of the desk (the workspace, /admin/) for links in notification emails.
# Unset: FACTCHECK_PUBLIC_BASE_URL, else http://127.0.0.1:8000.
FACTCHECK_DESK_BASE_URL = envstr("FACTCHECK_DESK_BASE_URL")

# Notification emails: SMTP when EMAIL_HOST is set, else printed to the console (development).
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Fact-check desk <desk@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

REST_FRAMEWORK = {
    # Token first: an anonymous API call then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotations.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": envstr("FACTCHECK_THROTTLE_ANON", "120/minute"),
        "user": envstr("FACTCHECK_THROTTLE_USER", "2000/minute"),
        "export": envstr("FACTCHECK_THROTTLE_EXPORT", "600/minute"),
    },
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Claims on news articles: the reviewer workspace API and the export of "
    "verified (approved) claims.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "annotations.models.Claim.Status",
        "AppearanceStateEnum": "annotations.models.Appearance.State",
        "AnchorStateEnum": "annotations.models.Appearance.Anchor",
        "ClaimantKindEnum": "annotations.models.Claimant.Kind",
        "EventKindEnum": "annotations.models.ClaimEvent.Kind",
    },
}

# Password guessing (factcheck/login_guard.py says why each limit is there). Nothing is
# locked: past its free failures each limit makes attempts wait 1, 2, 4 … s, up to
# FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS: a (username, address) pair after
# FACTCHECK_LOGIN_FAILURE_LIMIT failures; an address, for usernames it is not familiar
# with, after FACTCHECK_LOGIN_ADDRESS_FAILURE_LIMIT whatever the usernames; a username,
# from addresses it is not familiar with, after FACTCHECK_LOGIN_SLOWDOWN_AFTER.
FACTCHECK_LOGIN_FAILURE_LIMIT = envint("FACTCHECK_LOGIN_FAILURE_LIMIT", 5)
FACTCHECK_LOGIN_ADDRESS_FAILURE_LIMIT = envint("FACTCHECK_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
FACTCHECK_LOGIN_SLOWDOWN_AFTER = envint("FACTCHECK_LOGIN_SLOWDOWN_AFTER", 10)
FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS = envint("FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS", 900)
# django-axes records failures (listed in the admin for a day) and log-ins (which make an
# address familiar); it locks nothing itself.
AXES_LOCK_OUT_AT_FAILURE = False
AXES_FAILURE_LIMIT = FACTCHECK_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(days=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "factcheck.login_guard.client_address"
AXES_ENABLED = envbool("FACTCHECK_AXES_ENABLED", True)

# Throttle counters and the log-in slow-down live in the cache. Production runs several
# workers, so it needs REDIS_URL: a per-process cache lets each worker count on its own
# (`manage.py check --deploy` warns; factcheck/checks.py).
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if envstr("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis cache, which carries on in memory while Redis is down
            # (factcheck/cache.py says what each use does then).
            "BACKEND": "factcheck.cache.DegradingRedisCache",
            "LOCATION": envstr("REDIS_URL"),
            # Several sites (or test runs) can share one Redis database.
            "KEY_PREFIX": envstr("FACTCHECK_CACHE_KEY_PREFIX"),
            # A Redis that hangs costs a request at most this long, once every 5 s.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

# Content-Security-Policy: no inline scripts anywhere. JSON-LD blocks are data,
# not scripts, and the browser does not execute them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Security headers and cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Behind our TLS proxies (DJANGO_PROXY_COUNT of them, each appending to X-Forwarded-For),
# trust what they add: the scheme, and the client's address for the log-in limits.
FACTCHECK_BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
FACTCHECK_PROXY_COUNT = envint("DJANGO_PROXY_COUNT", 1)
if FACTCHECK_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("DJANGO_LOG_LEVEL", "WARNING")},
}


# dumpdata/loaddata (and the backup command) keep timestamps to the microsecond.
SERIALIZATION_MODULES = {"json": "annotations.serialization"}
