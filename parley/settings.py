"""Django settings for Parley. Every value comes from the environment; see docs/operations.md."""

from __future__ import annotations

import os
from email.utils import parseaddr
from typing import Any

import django_stubs_ext

from parley.config import (
    BASE_DIR,
    channel_layer_settings,
    check_production_safety,
    database_settings,
    env_bool,
    env_list,
    load_run_config,
)
from parley.notifications.smtp_config import smtp_config
from parley.ops.schedule import beat_schedule

# Lets the admin's generic classes be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

RUN = load_run_config()
check_production_safety(RUN)

PRODUCTION = RUN.production
SECRET_KEY = RUN.secret_key
DEBUG = RUN.debug
ALLOWED_HOSTS = RUN.allowed_hosts
DATA_DIR = RUN.data_dir
PARLEY_DEMO = RUN.demo

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "parley.accounts",
    "parley.contacts",
    "parley.inboxes",
    "parley.conversations",
    "parley.routing",
    "parley.notifications",
    "parley.tickets",
    "parley.automation",
    "parley.bot",
    "parley.quality",
    "parley.analytics",
    "parley.compliance",
    "parley.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parley.ops.security_headers.ContentSecurityPolicyMiddleware",
    "parley.ops.static.StaticFilesMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost on purpose: it is synchronous only, and under ASGI Django runs a run of
    # synchronous middleware in one thread. Between asynchronous ones it split the chain, and each
    # of Django's middlewares then crossed to a thread for every hook
    # (tests/ops/test_request_thread_hops.py).
    "parley.accounts.auth.sessions.SessionActivityMiddleware",
]

ROOT_URLCONF = "parley.urls"
ASGI_APPLICATION = "parley.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parley" / "templates"],
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

# --- database -------------------------------------------------------------------------------
if RUN.database_url:
    # The connection pool is on by default: see database_settings for its size.
    DATABASES: dict[str, Any] = {
        "default": database_settings(
            RUN.database_url,
            pool_size=int(os.environ.get("PARLEY_DB_POOL_SIZE", "20") or 0),
            prepare=env_bool("PARLEY_DB_PREPARE"),
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH") or DATA_DIR / "parley.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue on `timeout` instead of failing mid-transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Threads per web process that run the sockets' database calls side by side on PostgreSQL
# (parley/conversations/consumers/database.py); each holds a connection only during a call.
PARLEY_SOCKET_DB_THREADS = int(os.environ.get("PARLEY_SOCKET_DB_THREADS") or 8)
# Load what the first message would load as each web process starts (consumers/warmup.py).
PARLEY_WARM_UP = env_bool("PARLEY_WARM_UP", PRODUCTION)

# --- real time, cache and background jobs ------------------------------------------------
CHANNEL_PREFIX = os.environ.get("PARLEY_CHANNEL_PREFIX", "parley")
# channels-redis' layer: "pubsub" (the default) or "core" (parley/config.py).
PARLEY_CHANNEL_LAYER = os.environ.get("PARLEY_CHANNEL_LAYER") or "pubsub"
if RUN.redis_url:
    CHANNEL_LAYERS = channel_layer_settings(
        RUN.redis_url, prefix=CHANNEL_PREFIX, kind=PARLEY_CHANNEL_LAYER
    )
    CACHES = {
        "default": {
            # Django's Redis cache, with one connection pool and one client per process.
            "BACKEND": "parley.ops.cache.RedisCache",
            "LOCATION": RUN.redis_url,
            "KEY_PREFIX": CHANNEL_PREFIX,
            # Without it each request context opened its own connection to Redis.
            "OPTIONS": {"pool_class": "parley.ops.cache.SharedConnectionPool"},
        }
    }
    CELERY_BROKER_URL = RUN.redis_url
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    # Embedded mode: a job runs in the process that queued it, right after the commit.
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
# Periodic jobs: Celery beat in production; a thread of `parley run` in the embedded mode.
CELERY_BEAT_SCHEDULE = beat_schedule()
CELERY_ACCEPT_CONTENT = ["json"]

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Argon2id first: new passwords get it, and older hashes are upgraded at their next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Checked wherever a person sets a password (docs/security.md); seeding does not.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "display_name", "first_name", "last_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PARLEY_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout (parley/accounts/auth/lockout.py): failures per account (and, more, per client
# address) within the window lock it for PARLEY_LOGIN_LOCKOUT seconds.
PARLEY_LOGIN_MAX_FAILURES = int(os.environ.get("PARLEY_LOGIN_MAX_FAILURES", "5"))
PARLEY_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("PARLEY_LOGIN_ADDRESS_MAX_FAILURES", "50"))
PARLEY_LOGIN_WINDOW = int(os.environ.get("PARLEY_LOGIN_WINDOW", "900"))
PARLEY_LOGIN_LOCKOUT = int(os.environ.get("PARLEY_LOGIN_LOCKOUT", "900"))
# Seconds between the password and the two-factor code of one login.
PARLEY_TWO_FACTOR_PENDING = int(os.environ.get("PARLEY_TWO_FACTOR_PENDING", "300"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PARLEY_PASSWORD_RESET_TIMEOUT", "3600"))
PARLEY_PASSWORD_RESET_PER_HOUR = int(os.environ.get("PARLEY_PASSWORD_RESET_PER_HOUR", "3"))
SESSION_COOKIE_AGE = int(os.environ.get("PARLEY_SESSION_AGE", str(14 * 86400)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION and not env_bool("PARLEY_INSECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "parley.api_errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "parley.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "parley.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "widget_session": os.environ.get("PARLEY_RATE_WIDGET_SESSION", "60/min"),
        "login": os.environ.get("PARLEY_RATE_LOGIN", "20/min"),
        "leave_message": os.environ.get("PARLEY_RATE_LEAVE_MESSAGE", "10/hour"),
        "password_reset": os.environ.get("PARLEY_RATE_PASSWORD_RESET", "10/hour"),
    },
    # How many proxies in front of Parley append to X-Forwarded-For. 0 (the default) ignores
    # the header, so a client cannot pick its own identity to dodge rate limits.
    "NUM_PROXIES": int(os.environ.get("PARLEY_NUM_PROXIES", "0")),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Messages one contact may send, over the widget socket and REST together (parley/ratelimits.py).
PARLEY_RATE_CONTACT_MESSAGES = os.environ.get("PARLEY_RATE_CONTACT_MESSAGES", "60/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Parley API",
    "DESCRIPTION": "REST API of Parley, the open-source customer-service platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several serializers have a "status" field with different choices; name the shared sets.
    "ENUM_NAME_OVERRIDES": {
        "TicketSettableStatusEnum": "parley.tickets.status.SettableStatus",
    },
}
# Only the widget API is called from customers' sites; it checks the Origin per inbox itself.
CORS_URLS_REGEX = r"^/api/widget/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False

# --- the product's own limits ------------------------------------------------------------------
PARLEY_MESSAGE_MAX_CHARS = int(os.environ.get("PARLEY_MESSAGE_MAX_CHARS", "10000"))
PARLEY_WIDGET_TOKEN_MAX_AGE = int(os.environ.get("PARLEY_WIDGET_TOKEN_MAX_AGE", str(90 * 86400)))
PARLEY_UPLOAD_MAX_BYTES = int(os.environ.get("PARLEY_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
PARLEY_MAX_ATTACHMENTS = 10
PARLEY_FILE_LINK_MAX_AGE = int(os.environ.get("PARLEY_FILE_LINK_MAX_AGE", str(30 * 86400)))
# Let an upload at the limit through to our own check, which answers with a clear error code.
DATA_UPLOAD_MAX_MEMORY_SIZE = PARLEY_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- e-mail ---------------------------------------------------------------------------------
# Outbound SMTP for customer notifications (docs/email.md): EMAIL_URL, or EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL. Without a host, no
# e-mail is sent (PARLEY_EMAIL_NOTIFICATIONS can also turn them off with a host set).
_smtp = smtp_config(os.environ)
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = _smtp.host or "localhost"
EMAIL_PORT = _smtp.port
EMAIL_HOST_USER = _smtp.user
EMAIL_HOST_PASSWORD = _smtp.password
EMAIL_USE_TLS = _smtp.use_tls
EMAIL_USE_SSL = _smtp.use_ssl
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Parley <support@parley.localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
PARLEY_EMAIL_NOTIFICATIONS = env_bool("PARLEY_EMAIL_NOTIFICATIONS", default=bool(_smtp.host))
# Account e-mails (password reset) need only an SMTP host; customer notifications may be off.
PARLEY_AUTH_EMAILS = env_bool("PARLEY_AUTH_EMAILS", default=bool(_smtp.host))
# Replies to notifications go to reply+<token>@PARLEY_REPLY_DOMAIN; Message-IDs use it too.
PARLEY_REPLY_DOMAIN = os.environ.get("PARLEY_REPLY_DOMAIN") or (
    parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "parley.localhost"
)
# Seconds an agent's reply waits before it is e-mailed; not sent if the customer read it in
# the widget meanwhile (the embedded mode runs jobs at once and ignores the wait).
PARLEY_EMAIL_REPLY_DELAY = int(os.environ.get("PARLEY_EMAIL_REPLY_DELAY", "120"))
# Where customers reach Parley from outside, for links in e-mails (the rating page).
PARLEY_PUBLIC_URL = os.environ.get("PARLEY_PUBLIC_URL", "http://127.0.0.1:8000")
# Hosts the bot's generation endpoint may use although they resolve to a private address.
PARLEY_BOT_GENERATION_ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("PARLEY_BOT_GENERATION_ALLOWED_HOSTS", "").split(",")
    if h.strip()
]
# The intent model trains this many seconds after the last of a burst of knowledge-base
# changes, and at most this long after the first (docs/bot-engine.md "Training after a change").
PARLEY_BOT_TRAIN_DELAY = float(os.environ.get("PARLEY_BOT_TRAIN_DELAY") or 10)
PARLEY_BOT_TRAIN_MAX_WAIT = float(os.environ.get("PARLEY_BOT_TRAIN_MAX_WAIT") or 300)
# Host names and CIDR ranges every outbound fetch may reach although they are private
# (parley/outbound.py; docs/security.md "Outbound requests").
PARLEY_OUTBOUND_ALLOWLIST = env_list("PARLEY_OUTBOUND_ALLOWLIST")
# Encryption at rest (docs/security.md): Fernet keys, newest first, and the blind index's
# HMAC key. Empty in the embedded mode: keys are generated into the data directory.
PARLEY_ENCRYPTION_KEYS = env_list("PARLEY_ENCRYPTION_KEYS")
PARLEY_BLIND_INDEX_KEY = os.environ.get("PARLEY_BLIND_INDEX_KEY", "")

# --- i18n, static ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "parley" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The front ends' Vite builds (see parley/ops/frontend.py); absent until `make run` builds them.
STATICFILES_DIRS = [
    (name, BASE_DIR / "frontend" / name / "dist")
    for name in ("widget", "console")
    if (BASE_DIR / "frontend" / name / "dist").is_dir()
]
STATIC_ROOT = DATA_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The embedded mode serves static files straight from the apps, without `collectstatic`.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal data in a log line is masked before any handler writes it (docs/security.md).
    "filters": {"mask_pii": {"()": "parley.privacy.logging.MaskPiiFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # httpx logs every request's full URL at INFO, and a webhook URL someone configured may
        # carry a token in its query string.
        "httpx": {"level": "WARNING"},
    },
}
