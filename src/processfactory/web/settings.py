"""Django settings of the Process Factory web app, driven by environment variables.

- ``DATABASE_URL``: any dj-database-url URL (``postgres://…`` in production). Without it the app
  uses an SQLite file: ``PF_DB_PATH`` or ``db.sqlite3`` in the current directory.
- ``SECRET_KEY``: required when ``PF_DEBUG`` is off; a fixed development key otherwise.
- ``PF_DEBUG``: ``1``/``0`` (default ``1``: local runs are development runs).
- ``PF_ALLOWED_HOSTS``, ``PF_CSRF_TRUSTED_ORIGINS``: comma-separated lists.
- ``PF_NODE_MODULES``: where the npm packages (htmx, vega, vega-lite, vega-embed) are installed;
  default the repository's ``node_modules``. They are served as the app's own static files under
  ``vendor/…``, never from a CDN.
- ``PF_REDIS_URL``: the Redis channel layer of the live game (default: in-memory, one process).
- ``PF_STATIC_ROOT``: ``collectstatic`` target (default ``staticfiles`` in the current directory).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parents[2]

DEV_SECRET_KEY = "processfactory-development-key-not-for-production"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = _flag("PF_DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment when PF_DEBUG is off.")

ALLOWED_HOSTS = _list("PF_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = _list("PF_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Daphne's runserver serves HTTP and the live game's websockets (ASGI)
    "daphne",
    # first, so that its templates (base.html, 403.html, registration/, admin overrides) win
    "processfactory.web.apps.WebConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "processfactory.web.registry",
    "processfactory.web.dashboard",
    "processfactory.web.trainings",
    "processfactory.web.api",
    "processfactory.web.game",
    "channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "processfactory.web.urls"
WSGI_APPLICATION = "processfactory.web.wsgi.application"
ASGI_APPLICATION = "processfactory.web.asgi.application"

# Channel layer of the live game: in-memory in one process (default), Redis in production
# (``PF_REDIS_URL=redis://host:6379/0``) so several server processes share the groups.
REDIS_URL = os.environ.get("PF_REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's, with a receive that surely ends when cancelled (see the module)
            "BACKEND": "processfactory.web.game.layers.RedisChannelLayer",
            # redis-py 8 reads with a 5-second socket timeout by default, the time the layer's
            # blocking receive (BZPOPMIN) waits on the server: an idle socket's receive then
            # fails and its consumer is closed (django/channels_redis#422). A longer timeout
            # keeps idle sockets open and still notices a dead Redis.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

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
                "processfactory.web.context_processors.roles",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------
# Database

_default_db = Path(os.environ.get("PF_DB_PATH", "db.sqlite3")).resolve()
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{_default_db}", conn_max_age=60),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so two registrations for the
    # same training are serialized (PostgreSQL gets the same from SELECT … FOR UPDATE).
    # Connections persist (opening one per live-game event cost as much as the event), and the
    # write-ahead log makes a commit one sequential write; synchronous=FULL keeps every commit
    # durable before the game acknowledges an event.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------
# Authentication

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---------------------------------------------------------------------------------------------
# Languages and time

LANGUAGE_CODE = "ru"
# each language named in itself, as the language switch shows it
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Moscow"
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Static files: our CSS, and the browser libraries straight from node_modules (prefix → dir)

NODE_MODULES = Path(os.environ.get("PF_NODE_MODULES", REPO_DIR / "node_modules"))
VENDOR_STATIC = {
    "vendor/htmx": NODE_MODULES / "htmx.org" / "dist",
    "vendor/vega": NODE_MODULES / "vega" / "build",
    "vendor/vega-lite": NODE_MODULES / "vega-lite" / "build",
    "vendor/vega-embed": NODE_MODULES / "vega-embed" / "build",
}
# Missing folders are left out here and reported by the check ``processfactory.W001``.
STATICFILES_DIRS = [(prefix, str(path)) for prefix, path in VENDOR_STATIC.items() if path.is_dir()]
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("PF_STATIC_ROOT", "staticfiles")).resolve()

# ---------------------------------------------------------------------------------------------
# Security defaults that do not depend on HTTPS; HTTPS-only cookies when PF_HTTPS is on.

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if _flag("PF_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
