"""Django settings, all taken from the environment (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from sideline.config import (
    load_config,
    load_federation_config,
    load_limits,
    load_record_peer_config,
)

# Lets classes such as ModelAdmin[Organization] be subscripted at run time, as typed.
django_stubs_ext.monkeypatch()

CONFIG = load_config()
LIMITS = load_limits()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = CONFIG.data_dir
SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "SIDELINE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver"
    ).split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("SIDELINE_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Listed so that the API docs page serves Swagger UI from the package, not a CDN.
    "ninja",
    "sideline.registry",
    "sideline.analysis",
    "sideline.planner",
    "sideline.record",
    "sideline.accounts",
    "sideline.meetings",
    "sideline.prevention",
    "sideline.curation",
    "sideline.web",
]

MIDDLEWARE = [
    # First: a body over the limit is refused before anything below reads it.
    "sideline.web.limits.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security: HEAD is routed as GET through everything below, and its
    # body dropped only once compression and ETags have shaped the GET response.
    "sideline.web.middleware.HeadAndCorsMiddleware",
    # Outside everything that can answer an error under /api/, so that each becomes JSON.
    "sideline.web.guards.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Text responses compressed (only when shorter); CSRF tokens are masked per response,
    # which is Django's answer to BREACH.
    "django.middleware.gzip.GZipMiddleware",
    # ETag on every response without one, and 304 for a matching If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: ?lang= and a person's saved language override the cookie.
    "sideline.web.language.LanguageMiddleware",
    # After the user and language are known (its 400 page is translated and has the menu),
    # before any view reads a value that a database cannot store.
    "sideline.web.guards.ControlCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sideline.urls"
WSGI_APPLICATION = "sideline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sideline.meetings.context_processors.todo",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer appends; the timeout queues writers
    # instead of failing them at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language but English has a catalogue in locale/<dir>/ (dir: Django's to_locale of the
# code, "zh-hans" -> zh_Hans); tests/test_i18n.py requires it complete. A new language is
# one line here and one catalogue (CONTRIBUTING.md, "Adding a language").
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese (Simplified)")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # a choice made once is kept for a year
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the installed apps: `sideline serve` needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

# Invitations go out by e-mail. The default writes each message to a file in the data
# folder, so a closed network without a mail server still works; set SMTP for real mail.
EMAIL_BACKEND = os.environ.get(
    "SIDELINE_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("SIDELINE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SIDELINE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SIDELINE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SIDELINE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("SIDELINE_EMAIL_TLS", "").lower() in {"1", "true", "yes", "on"}
DEFAULT_FROM_EMAIL = os.environ.get("SIDELINE_FROM_EMAIL", "sideline@localhost")

# The default cache is the database's, shared by every server process. (The login
# throttle counts in a table of its own, under a row lock: cache increments are not atomic.)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sideline_cache",
    },
    # Rendered Markdown of stored minutes and decisions, keyed by the text's hash: an entry
    # never goes stale, and each process rendering a text once is the point.
    "rendered": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sideline-rendered",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
LOGIN_URL = "accounts:login"

# How many other organizations must cosign a checkpoint before it counts; by default a
# majority of the other organizations that keep logs (see docs/record-operations.md).
RECORD_QUORUM = (
    int(os.environ["SIDELINE_RECORD_QUORUM"]) if os.environ.get("SIDELINE_RECORD_QUORUM") else None
)
# How this node treats its peers: whose witness keys count, and the limits of every
# read from a peer (see docs/configuration.md).
RECORD_PEERS = load_record_peer_config()
# How the follower pushes to and pulls from the peers of the federation file.
FEDERATION = load_federation_config()
LOGIN_REDIRECT_URL = "/"

# How the planner's pages run the solver (docs/configuration.md): "thread" in a thread of
# the serving process, whose progress the page polls; "inline" within the request (the
# test suite's: another thread cannot see a test's uncommitted rows).
SIDELINE_PLANNER_RUNS = os.environ.get("SIDELINE_PLANNER_RUNS", "thread")

# What one request may cost (docs/configuration.md, "Limits"). Django's own limits back up
# the middleware: form fields outside files, and files kept in memory before spilling to disk.
SIDELINE_MAX_BODY_BYTES = LIMITS.max_body_bytes
SIDELINE_MAX_UPLOAD_BYTES = LIMITS.max_upload_bytes
SIDELINE_SOLVE_CONCURRENCY = LIMITS.solve_concurrency
SIDELINE_SOLVE_MAX_SECONDS = LIMITS.solve_max_seconds
DATA_UPLOAD_MAX_MEMORY_SIZE = LIMITS.max_body_bytes
FILE_UPLOAD_MAX_MEMORY_SIZE = min(LIMITS.max_upload_bytes, 2_621_440)

# The organizations this node hosts (holds the keys of, writes the logs of, has the
# people of); None: those recorded by `sideline init --organization`, else every
# organization of the registry (see sideline/node.py and docs/configuration.md).
SIDELINE_ORGANIZATIONS = CONFIG.organizations
# Registry corrections (docs/curation.md): whose log records an approval when the curator
# has no organization, and whether a curator may approve their own proposal.
SIDELINE_CURATOR_ORGANIZATION = os.environ.get("SIDELINE_CURATOR_ORGANIZATION", "un")
SIDELINE_CURATION_SELF_APPROVAL = os.environ.get("SIDELINE_CURATION_SELF_APPROVAL", "").lower() in {
    "1",
    "true",
    "yes",
    "on",
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "sideline": {
            "handlers": ["console"],
            "level": os.environ.get("SIDELINE_LOG_LEVEL", "INFO"),
        },
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
