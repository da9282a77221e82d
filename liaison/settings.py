"""Liaison settings: one module, every value read from the environment.

The embedded default (no environment at all) is SQLite under the data folder, so a
fresh checkout runs with nothing else installed. Production sets DATABASE_URL,
SECRET_KEY, ALLOWED_HOSTS and leaves DEBUG off. README.md lists every setting.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DATA_DIR = Path(os.environ.get("LIAISON_DATA_DIR") or PROJECT_DIR / "data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Where people open Liaison: the base of links in e-mails and group-robot messages.
SITE_URL = os.environ.get("SITE_URL") or "http://127.0.0.1:8000"

INSTALLED_APPS = [
    # The project itself (liaison/apps.py), first: its templates and static files come
    # before every other app's, and override the admin's.
    "liaison",
    "liaison.core",
    "liaison.org",
    "liaison.inbox",
    "liaison.matters",
    "liaison.worktime",
    "liaison.deadlines",
    "liaison.supervision",
    "liaison.meetings",
    "liaison.notices",
    "liaison.suggestions",
    "liaison.communication",
    "liaison.evaluation",
    "liaison.dashboard",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "liaison.core.middleware.CurrentPersonMiddleware",
    "liaison.core.middleware.OwnNotFoundPageMiddleware",
    # Last: turns a login refused by the lock-out into the lock-out page or JSON.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

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
                "django.template.context_processors.i18n",
                "liaison.inbox.context_processors.inbox",
            ],
        },
    },
]

# Database: SQLite in WAL mode with durable (synchronous=FULL) commits unless DATABASE_URL.
SQLITE_PATH = DATA_DIR / "liaison.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username from this address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Reverse proxies of ours in front of Liaison, each appending to X-Forwarded-For; the client
# address of every per-client limit comes from liaison.core.clientip.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Login lock-out (django-axes) on the login page, the admin's and the API token endpoint:
# per username *and* address, so a guesser is stopped without locking a colleague out from
# their own desk; the admin's "Access attempts" unlock. Failures are kept in the database.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "liaison.core.clientip.client_address"
AXES_LOCKOUT_CALLABLE = "liaison.core.auth.lockout_response"
# Successful logins are not logged with address and browser: no one needs that trail.
AXES_DISABLE_ACCESS_LOG = True

# API tokens (django-rest-knox): a new one per login, stored hashed, expiring.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_HOURS", 12)),
    "AUTH_HEADER_PREFIX": "Token",
}

# Internationalization: Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# Our catalogue, then Chinese for packages that ship none (django-axes).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_packages"]
USE_I18N = True
# Dates as each language writes them (liaison/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["liaison.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# Static files: served by the app itself (WhiteNoise); front-end packages come from npm.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or DATA_DIR / "static")
NODE_MODULES = PROJECT_DIR / "node_modules"
# Of the npm packages, only the files the pages link (with their source maps): the whole
# trees hold stylesheets naming maps npm does not ship, which the manifest storage refuses.
VENDOR_STATIC_FILES = {
    "vendor/tabler": ("@tabler/core/dist", ["css/tabler.min.css", "js/tabler.min.js"]),
    "vendor/htmx": ("htmx.org/dist", ["htmx.min.js"]),
    "vendor/tom-select": (
        "tom-select/dist",
        ["css/tom-select.bootstrap5.min.css", "js/tom-select.complete.min.js"],
    ),
    # Line, bar and pie charts are all the dashboards draw: the "common" build is enough.
    "vendor/echarts": ("echarts/dist", ["echarts.common.min.js"]),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "liaison.core.staticfiles.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# Background work (sweeps, e-mail, group robots) through Django's Tasks API, queued in huey:
# SQLite in the data folder by default, Redis (redis://host:6379/0) shared by several workers.
QUEUE_URL = os.environ.get("QUEUE_URL", "")
TASKS = {"default": {"BACKEND": "liaison.core.queue.HueyBackend"}}
# The task every worker offers once a minute (liaison.core.queue): the deadlines sweep.
PERIODIC_SWEEP_TASK = "liaison.deadlines.tasks.sweep"


def _cache(url: str) -> dict:
    """CACHE_URL, else the queue's Redis, else files in the data folder: the counters of
    every limit (API throttles, suggestion codes) shared by all workers, not one per worker."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


_cache_url = os.environ.get("CACHE_URL") or (
    QUEUE_URL if QUEUE_URL.startswith(("redis://", "rediss://")) else ""
)
CACHES = {"default": {**_cache(_cache_url), "KEY_PREFIX": "liaison"}}

# E-mail: EMAIL_URL (e.g. smtp+tls://user:pass@host:587). Without it mail is printed, but
# in DEBUG each one is written as a file under the data folder (outbox-mail/), so that
# `make run`'s terminal shows the server's log and not every demo mail.
_email = dj_email_url.parse(os.environ.get("EMAIL_URL") or ("file:" if DEBUG else "console:"))
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(DATA_DIR / "outbox-mail")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "liaison@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict unless DEBUG. Behind a reverse proxy that terminates TLS.
_secure = not DEBUG and env_bool("HTTPS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _secure
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our static files (no
# inline script, handler or style attribute in any page: behaviour is in static/js, wired by
# data- attributes), images from here or data: URIs (Tabler's icons), no plugins, no framing,
# forms and <base> pointing only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Organization import files may be large (20,000 people and more).
ORG_IMPORT_MAX_BYTES = env_int("ORG_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
MATTER_ATTACHMENT_MAX_BYTES = env_int("MATTER_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(DATA_UPLOAD_MAX_MEMORY_SIZE, MATTER_ATTACHMENT_MAX_BYTES)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per client address (liaison.core.clientip) or per user, counted in CACHES.
    "DEFAULT_THROTTLE_CLASSES": [
        "liaison.core.auth.AnonThrottle",
        "liaison.core.auth.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_RATE_ANON", "120/minute"),
        "user": os.environ.get("API_RATE_USER", "600/minute"),
        "token": os.environ.get("API_RATE_TOKEN", "10/minute"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The browsable API only while developing; /api/docs/ documents the API in production.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Liaison API",
    "DESCRIPTION": "Coordination between departments: organization, matters, meetings, notices.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package: intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "NoticeKindEnum": "liaison.notices.models.NoticeKind.choices",
        "SatisfactionEnum": "liaison.evaluation.models.Satisfaction.choices",
        "NoticeStateEnum": "liaison.notices.models.NoticeState.choices",
        "AudienceKindEnum": "liaison.notices.models.AudienceKind.choices",
        "PositionRoleEnum": "liaison.org.models.PositionRole.choices",
        "MatterStateEnum": "liaison.matters.models.State.choices",
        "LinkKindEnum": "liaison.matters.models.LinkKind.choices",
        "MeetingKindEnum": "liaison.meetings.models.MeetingKind.choices",
        "MeetingStateEnum": "liaison.meetings.models.MeetingState.choices",
        "AgendaItemStateEnum": "liaison.meetings.models.ItemState.choices",
        "MinutesStateEnum": "liaison.meetings.models.MinutesState.choices",
        "LevelEnum": "liaison.communication.models.Level.choices",
        "CommunicationChannelEnum": "liaison.communication.models.Channel.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "liaison.core.api.describe_times_of_day",
        "liaison.core.api.describe_missing_pages",
    ],
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# The queue's own lines (each task started and finished, several a minute) only when
# debugging; failures still show.
_QUEUE_LOG_LEVEL = "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "huey": {"level": _QUEUE_LOG_LEVEL},
        "huey.consumer": {"level": LOG_LEVEL},  # the worker starting and stopping
        "django_tasks": {"level": _QUEUE_LOG_LEVEL},
        "axes.apps": {"level": "WARNING"},  # not its banner at every command's start
    },
}
