"""HotDash Console settings: one module, driven by the environment (django-environ).

Every variable is listed in README.md ("Configuration"). A `.env` file is read only when
HOTDASH_READ_DOT_ENV=1, so a stray file never changes a running deployment.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("HOTDASH_READ_DOT_ENV", default=False):
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A development key is tolerated only with DEBUG on; production must supply its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

HOTDASH_DATA_DIR = Path(env("HOTDASH_DATA_DIR", default=str(BASE_DIR / ".hotdash"))).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "hotdash.apps.HotdashConfig",
    "approvals",
    "feedback",
    "metrics",
    "retention",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's and the API docs' static files from the web process itself (no CDN, no extra server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: it maps the user (or the bearer token) to a database role and tenant.
    "hotdash.middleware.DbContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hotdash.urls"
WSGI_APPLICATION = "hotdash.wsgi.application"
ASGI_APPLICATION = "hotdash.asgi.application"

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

# Two connections to one database (README, "Database roles"):
# - default: the runtime role hotdash_app, which owns nothing and sees domain rows only through a capability
#   role and tenant set per transaction (hotdash/db_context.py). Refused at connect time if it could bypass RLS.
# - owner: the role that owns the schema; only `migrate` (and test set-up) use it.
DATABASES = {
    "default": env.db("DATABASE_URL"),
    "owner": env.db("DATABASE_OWNER_URL", default=env.str("DATABASE_URL")),
}
for _alias in DATABASES.values():
    _alias["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    _alias["CONN_HEALTH_CHECKS"] = True
# Tests create the database through the owner connection and point the runtime connection at it.
DATABASES["owner"]["TEST"] = {"NAME": env.str("HOTDASH_TEST_DATABASE", default=None), "DEPENDENCIES": []}
DATABASES["default"]["TEST"] = {"MIRROR": "owner"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves static files straight from the installed apps (no collectstatic step, nothing to keep in
# sync); set DJANGO_STATIC_ROOT only to collect them for a separate server or a CDN of your own.
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=None)
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "hotdash.api.schema.ConsoleAutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Stateless: the token's claims are the identity; no user row is read for a machine client.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hotdash.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["hotdash.api.permissions.HasDbRole"],
    "DEFAULT_PARSER_CLASSES": ["hotdash.api.parsers.SizeLimitedJSONParser"],
    "EXCEPTION_HANDLER": "hotdash.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "hotdash.api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HotDash Console API",
    "VERSION": "1.0.0",
    # Served from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The API's description is public; every endpoint it describes still needs a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Request bodies get their own components: what a client must send (required, non-blank) is not what it reads.
    "COMPONENT_SPLIT_REQUEST": True,
}

# The approval queue (README, "Configuration").
HOTDASH_APPROVAL_TTL_SECONDS = env.int("HOTDASH_APPROVAL_TTL_SECONDS", default=24 * 3600)
HOTDASH_APPROVAL_SLA_SECONDS = env.int("HOTDASH_APPROVAL_SLA_SECONDS", default=5 * 60)
HOTDASH_APPROVAL_LEASE_SECONDS = env.int("HOTDASH_APPROVAL_LEASE_SECONDS", default=120)
HOTDASH_API_MAX_BODY_BYTES = env.int("HOTDASH_API_MAX_BODY_BYTES", default=1024 * 1024)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("HOTDASH_ACCESS_TOKEN_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=env.int("HOTDASH_REFRESH_TOKEN_HOURS", default=12)),
    "SIGNING_KEY": SECRET_KEY,
    "TOKEN_OBTAIN_SERIALIZER": "hotdash.tokens.ConsoleTokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "hotdash.tokens.ConsoleTokenRefreshSerializer",
}

# Celery: JSON only, time limits set once for every task.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="hotdash")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's own loggers set their level; without this, 4xx warnings would ignore DJANGO_LOG_LEVEL.
    "loggers": {"django": {"level": env("DJANGO_LOG_LEVEL", default="INFO")}},
}
