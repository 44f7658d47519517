"""Newsdesk settings, read from the environment.

The defaults run on a laptop with nothing but Python: SQLite, eager Celery and
console e-mail. Production sets DATABASE_URL, CELERY_BROKER_URL and friends;
README.md lists every variable.
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path
from typing import cast

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The public development key is only for DEBUG on a laptop (make run) and the test suite
# (tests/settings.py); anything else must set its own, or sessions and tokens could be forged.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Newsdesk refuses to start on the public development key: "
            "set SECRET_KEY to a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 on a development machine."
        )
    SECRET_KEY = "newsdesk-insecure-development-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- HTTPS and cookies (README: "Production"); each is the environment variable of the same name ---
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
# Behind a proxy that terminates TLS: "HTTP_X_FORWARDED_PROTO,https" trusts that header to say so.
# Set it only when the proxy always sets (or strips) the header, or clients could claim HTTPS.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be two values: a header and its value, e.g. 'HTTP_X_FORWARDED_PROTO,https'."
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy on every response (pages, admin, API docs): scripts, styles and
# images from our own origin only, no inline script, nothing may frame us. The widget runs
# on newsrooms' pages, under *their* policy; it only needs CORS_ALLOWED_ORIGINS here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SITE_NAME = env_str("SITE_NAME", "Newsdesk")
# Absolute base for links in e-mails and feeds (status pages, articles).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The newsroom's published corrections policy: linked from every page and given as correctionsPolicy in JSON-LD.
CORRECTIONS_POLICY_URL = env_str("CORRECTIONS_POLICY_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corrections",
]

MIDDLEWARE = [
    # First: every request gets a checked request id, and one log line when it is answered.
    "newsdesk.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Serves /static/ (widget.js, admin, API docs) under gunicorn too, without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the browser's Accept-Language (English or Ukrainian), else LANGUAGE_CODE.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
    # busy timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool (Django >= 5.1); pooled connections must not also be persistent.
    _db["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": env_int("DB_POOL_MAX_SIZE", 20),
            "timeout": env_int("DB_POOL_TIMEOUT", 30),
        }
    }
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# The site's language when the browser asks for none we speak; readers' browsers choose among LANGUAGES.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-gb")
LANGUAGES = [("en-gb", "English"), ("uk", "Українська")]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Without collectstatic (a laptop, the tests) WhiteNoise finds files the way runserver does.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# WhiteNoise warns when STATIC_ROOT has not been collected yet; the finders cover that case.
warnings.filterwarnings("ignore", message="No directory at")

# --- Request limits ---------------------------------------------------------------
# The largest JSON body the API accepts; larger ones get 413 (README: "Limits").
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 512 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

# --- Comments ---------------------------------------------------------------------
# "post": comments show at once and editors hide bad ones; "pre": they show once an
# editor approves them. Editors can override this per article.
COMMENT_MODERATION = env_str("COMMENT_MODERATION", "post").strip().lower()
if COMMENT_MODERATION not in {"post", "pre"}:
    raise ValueError(f"COMMENT_MODERATION must be 'post' or 'pre', not {COMMENT_MODERATION!r}.")

# --- REST framework -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["corrections.api.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "corrections.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "corrections.api.exceptions.exception_handler",
    # How many proxies stand in front of us; throttles trust X-Forwarded-For only that far
    # (0: use the socket's address, so a client cannot dodge a throttle with a forged header).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_THROTTLE_RATES": {
        "suggestions": env_str("SUGGESTION_RATE", "10/minute"),
        "comments": env_str("COMMENT_RATE", "10/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsdesk API",
    "DESCRIPTION": "Event-sourced news corrections: articles, corrections, reader suggestions and comments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" field: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "corrections.models.Article.STATUSES",
        "CommentStatusEnum": "corrections.models.Comment.STATUSES",
        "SuggestionStatusEnum": "corrections.models.Suggestion.STATUSES",
    },
}

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"

# Throttle counters. With CACHE_URL (Redis) they are shared by every web process; when that Redis
# is unreachable each process falls back to its own memory for a while (logged), so a reader's
# request never fails because the cache is down.
CACHES = {
    "default": {
        "BACKEND": "newsdesk.cache.FallbackRedisCache",
        "LOCATION": env_str("CACHE_URL"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if env_str("CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- E-mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "newsdesk@localhost")
# Seconds before an SMTP connection gives up; a notification's claim outlasts it (NOTIFY_CLAIM_SECONDS).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- Notifications (README: "Notifications (Celery)") -------------------------------
DESK_EMAIL = env_list("DESK_EMAIL")
NOTIFY_DESK_IMMEDIATELY = env_bool("NOTIFY_DESK_IMMEDIATELY", True)
NOTIFY_DIGEST_HOUR = env_int("NOTIFY_DIGEST_HOUR", 7)
NOTIFY_WEBHOOK_URL = env_str("NOTIFY_WEBHOOK_URL")
NOTIFY_WEBHOOK_SECRET = env_str("NOTIFY_WEBHOOK_SECRET")
NOTIFY_WEBHOOK_TIMEOUT = env_int("NOTIFY_WEBHOOK_TIMEOUT", 10)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_RETRY_BACKOFF = env_int("NOTIFY_RETRY_BACKOFF", 30)  # first retry after this many seconds, then doubling
NOTIFY_RETRY_BACKOFF_MAX = env_int("NOTIFY_RETRY_BACKOFF_MAX", 3600)
NOTIFY_CLAIM_SECONDS = env_int("NOTIFY_CLAIM_SECONDS", 300)
NOTIFY_RELAY_GRACE_SECONDS = env_int("NOTIFY_RELAY_GRACE_SECONDS", 30)
# A row handed to the broker this long ago and still pending (a lost message, a worker killed
# mid-task, a web process killed mid-hand-off) is handed over again; a second copy of a task that
# did run finds the row sent and does nothing, so erring short costs a no-op, not an e-mail.
NOTIFY_REENQUEUE_SECONDS = env_int("NOTIFY_REENQUEUE_SECONDS", 60)
NOTIFY_RELAY_SECONDS = env_int("NOTIFY_RELAY_SECONDS", 30)

# --- Celery -----------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# Without a broker the tasks run in-process (eager): the embedded default.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when the broker is down: the outbox keeps the row
# and the relay sends it later, so a reader's request never hangs on the broker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Re-enqueues outbox rows the broker never got (it was down) or a worker dropped.
    "notifications-relay": {"task": "corrections.tasks.relay_pending", "schedule": float(NOTIFY_RELAY_SECONDS)},
    "notifications-digest": {
        "task": "corrections.tasks.send_daily_digest",
        "schedule": crontab(hour=NOTIFY_DIGEST_HOUR, minute=0),
    },
}

# --- Ingest (README: "Ingest") ------------------------------------------------------
# Fetching from private, loopback and link-local addresses is refused unless this is on
# (tests and a newsroom whose site is on the same private network).
INGEST_ALLOW_PRIVATE = env_bool("INGEST_ALLOW_PRIVATE", False)
INGEST_TIMEOUT = env_int("INGEST_TIMEOUT", 10)  # seconds per connect/read; a whole fetch gets three times this
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 5 * 1024 * 1024)
INGEST_MAX_PAGES_PER_POLL = env_int("INGEST_MAX_PAGES_PER_POLL", 50)  # page fetches one poll may make
CELERY_BEAT_SCHEDULE["ingest-poll-due"] = {"task": "corrections.tasks.poll_due_sources", "schedule": 60.0}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(  # type: ignore[attr-defined]
    {
        "SourceKindEnum": "corrections.models.Source.KINDS",
        "CorrectionKindEnum": "corrections.domain.events.CORRECTION_KINDS",
        "UnannouncedEditStatusEnum": "corrections.models.UnannouncedEdit.STATUSES",
    }
)
# --- end Ingest -----------------------------------------------------------------------
# --- Trust ---
# Checkpoints of the event log: an HMAC-signed list of every stream head, written outside the
# database (a file appended to, or an https:// endpoint), with a key the database never sees.
CHECKPOINT_KEY = env_str("CHECKPOINT_KEY", "")
CHECKPOINT_TARGET = env_str("CHECKPOINT_TARGET", "")
CHECKPOINT_TIMEOUT = env_int("CHECKPOINT_TIMEOUT", 10)
if CHECKPOINT_KEY and CHECKPOINT_TARGET:
    CELERY_BEAT_SCHEDULE["log-checkpoint"] = {
        "task": "corrections.tasks.write_checkpoint",
        "schedule": float(env_int("CHECKPOINT_EVERY_SECONDS", 3600)),
    }
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES. Counters live in the cache (CACHE_URL),
# so no addresses or usernames are written to the database.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client address exactly as the API throttles see it (X-Forwarded-For only as far as NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "corrections.throttles.client_address"
AXES_VERBOSE = False
if not env_str("CACHE_URL"):
    # One process on a laptop: the in-process cache counts correctly. Production sets CACHE_URL.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]
# History pages and diffs are stored, not computed per request, but still cost more than a row.
cast(dict[str, str], REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])["history"] = env_str("HISTORY_RATE", "120/minute")
# --- end Trust ---

# LOG_FORMAT=json writes one JSON object per line (for a log shipper); "text" reads better on a laptop.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsdesk.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Our own request line replaces Django's; 4xx and 5xx are still logged by it at WARNING/ERROR.
    "loggers": {"django.request": {"level": "ERROR"}},
}
