"""HotDash Console settings: one module, driven by the environment (django-environ).

Every variable is listed in README.md ("Configuration"). A `.env` file is read only when
HOTDASH_READ_DOT_ENV=1, so a stray file never changes a running deployment.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from hotdash.development_key import development_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("HOTDASH_READ_DOT_ENV", default=False):
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A development key is tolerated only with DEBUG on; production must supply its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

HOTDASH_DATA_DIR = Path(env("HOTDASH_DATA_DIR", default=str(BASE_DIR / ".hotdash"))).resolve()
# Backups, retention runs and purges each write a directory here (docs/retention.md); the newest
# HOTDASH_BACKUP_KEEP backups are kept, retention and purge directories until an operator removes them.
HOTDASH_BACKUP_DIR = Path(env("HOTDASH_BACKUP_DIR", default=str(HOTDASH_DATA_DIR / "backups"))).resolve()
HOTDASH_BACKUP_KEEP = env.int("HOTDASH_BACKUP_KEEP", default=7)
# Rows per retention chunk (one transaction each), at most 10,000.
HOTDASH_RETENTION_CHUNK_ROWS = env.int("HOTDASH_RETENTION_CHUNK_ROWS", default=10_000)
# Seconds a retention run's lease lasts without renewal (each chunk renews it): how long a run whose process
# died keeps the next one waiting (docs/retention.md, "One run at a time").
HOTDASH_RETENTION_LEASE_SECONDS = env.int("HOTDASH_RETENTION_LEASE_SECONDS", default=120)

# API tokens are signed with a key of their own: rotating it logs every API client out without touching
# sessions, and a leaked SECRET_KEY does not let anyone mint tokens. DEBUG alone may fall back to a key kept
# under HOTDASH_DATA_DIR (generated once per checkout, mode 0600); production refuses to start without one.
HOTDASH_JWT_SIGNING_KEY = env.str("HOTDASH_JWT_SIGNING_KEY", default="")
if not HOTDASH_JWT_SIGNING_KEY and DEBUG:
    HOTDASH_JWT_SIGNING_KEY = development_key(HOTDASH_DATA_DIR / "jwt_signing_key")
if len(HOTDASH_JWT_SIGNING_KEY) < 32:
    raise ImproperlyConfigured(
        "Set HOTDASH_JWT_SIGNING_KEY to a random string of at least 32 characters (it signs the API's tokens; "
        "for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )

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
    # Refresh tokens rotate, and a used or revoked one is refused (README, "The API").
    "rest_framework_simplejwt.token_blacklist",
    # Failed logins to the admin and the token endpoint lock the username out from that address for a while.
    "axes",
    "csp",
    "hotdash.apps.HotdashConfig",
    # After django.contrib.auth: it adds "revoke API tokens" to the users' admin page.
    "hotdash.revocations",
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
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading a user's permissions in one query (hotdash/auth_backend.py).
    "hotdash.auth_backend.ConsoleModelBackend",
]

# Production hardening, on unless DJANGO_DEBUG is on; each can be turned off on its own (README, "Configuration").
# Behind a proxy that ends TLS, set DJANGO_SECURE_PROXY_SSL_HEADER (e.g. "HTTP_X_FORWARDED_PROTO,https") so the
# redirect and the secure cookies see the original scheme; only when the proxy always sets or strips that header.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
_proxy_ssl_header = env.list("DJANGO_SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured("DJANGO_SECURE_PROXY_SSL_HEADER takes a header and a value: HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Joining the browsers' preload list binds every subdomain for years: the owner of the domain decides, so the
# deploy check's reminder (security.W021) stays quiet until they opt in.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# A console that approves refunds: a session lasts one working day, not Django's two weeks.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)

# Content-Security-Policy (django-csp): scripts only from our own origin, so an injected <script> or onclick
# never runs. Styles allow inline style attributes, which the admin's and Swagger UI's widgets set and which
# cannot run code; images may be data: URLs (the admin's and Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# django-axes: after HOTDASH_LOGIN_FAILURE_LIMIT failed logins of one username from one address (admin or
# /api/v1/auth/token/), that pair is locked out for HOTDASH_LOGIN_LOCKOUT_MINUTES. The attempts are kept in the
# database (Access attempts in the admin); `manage.py axes_reset` lifts every lockout.
AXES_FAILURE_LIMIT = env.int("HOTDASH_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("HOTDASH_LOGIN_LOCKOUT_MINUTES", default=15))
# The address is REMOTE_ADDR: behind a proxy every client shares the proxy's, and the lockout is by username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "hotdash.lockout.lockout_response"

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
        # One pool per process: under ASGI Django builds the cache anew for every request (hotdash/cache.py).
        "OPTIONS": {"pool_class": "hotdash.cache.ProcessConnectionPool"},
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
    # Counted in the default cache (Redis), so every web process shares the count.
    "DEFAULT_THROTTLE_RATES": {
        "auth-token": env.str("HOTDASH_AUTH_TOKEN_RATE", default="10/minute"),
        # The metrics and ingestion endpoints, by tier (hotdash.api.throttling.TieredRateThrottle).
        "api-anon": env.str("HOTDASH_API_RATE_ANON", default="10/minute"),
        "api-user": env.str("HOTDASH_API_RATE_USER", default="100/minute"),
        "api-machine": env.str("HOTDASH_API_RATE_MACHINE", default="1000/minute"),
    },
}
# Browser origins allowed to POST /api/v1/logs/ (the platform's occ-log function called from a page).
HOTDASH_LOGS_CORS_ORIGINS = env.list("HOTDASH_LOGS_CORS_ORIGINS", default=[])

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
    # Two choice sets share the field name "status": each gets a name of its own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ApprovalStatusEnum": "approvals.models.ApprovalStatus",
        "ExportStatusEnum": "feedback.models.ExportStatus",
    },
    # Request bodies get their own components: what a client must send (required, non-blank) is not what it reads.
    "COMPONENT_SPLIT_REQUEST": True,
}

# The approval queue (README, "Configuration").
HOTDASH_APPROVAL_TTL_SECONDS = env.int("HOTDASH_APPROVAL_TTL_SECONDS", default=24 * 3600)
HOTDASH_APPROVAL_SLA_SECONDS = env.int("HOTDASH_APPROVAL_SLA_SECONDS", default=5 * 60)
HOTDASH_APPROVAL_LEASE_SECONDS = env.int("HOTDASH_APPROVAL_LEASE_SECONDS", default=120)
# How long a draft an annotator opened is kept from the others' "annotate next".
HOTDASH_ANNOTATION_LEASE_SECONDS = env.int("HOTDASH_ANNOTATION_LEASE_SECONDS", default=300)
# How long "annotate next" moves past a draft the annotator skipped (then it comes back to them).
HOTDASH_ANNOTATION_SKIP_HOURS = env.int("HOTDASH_ANNOTATION_SKIP_HOURS", default=8)
# The share (0-1) of new drafts that two annotators label, for a new database; then edited in the admin.
HOTDASH_ANNOTATION_OVERLAP = env.float("HOTDASH_ANNOTATION_OVERLAP", default=0.1)
HOTDASH_API_MAX_BODY_BYTES = env.int("HOTDASH_API_MAX_BODY_BYTES", default=1024 * 1024)
HOTDASH_API_MAX_JSON_DEPTH = env.int("HOTDASH_API_MAX_JSON_DEPTH", default=64)
# Concurrent `?wait=` long polls one API token (or console user) may hold across every web process; 429 past it.
HOTDASH_WAITS_PER_TOKEN = env.int("HOTDASH_WAITS_PER_TOKEN", default=1000)
# Requests one ASGI worker runs inside Django at once (each holds a thread and a database connection meanwhile);
# parked long polls are not counted. Workers x this is the web tier's most database connections.
HOTDASH_REQUESTS_PER_WORKER = env.int("HOTDASH_REQUESTS_PER_WORKER", default=8)
# The ASGI web processes (hotdash/asgi.py turns this on) pool their runtime connections: one request at a time
# per connection, at most HOTDASH_REQUESTS_PER_WORKER at once. Processes that fork after connecting (Celery's
# prefork pool) and the synchronous ones keep CONN_MAX_AGE's one connection per thread instead.
HOTDASH_DB_POOL = env.bool("HOTDASH_DB_POOL", default=False)
if HOTDASH_DB_POOL:
    DATABASES["default"]["CONN_MAX_AGE"], DATABASES["default"]["CONN_HEALTH_CHECKS"] = 0, False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": HOTDASH_REQUESTS_PER_WORKER, "timeout": 10,
    }
HOTDASH_HEALTH_DETAILS_CACHE_SECONDS = env.int("HOTDASH_HEALTH_DETAILS_CACHE_SECONDS", default=5)

# Training-data exports (README, "Configuration"; docs/exports.md). Web and workers must share the directory.
HOTDASH_EXPORT_DIR = Path(env("HOTDASH_EXPORT_DIR", default=str(HOTDASH_DATA_DIR / "exports"))).resolve()
HOTDASH_EXPORT_KEEP_DAYS = env.int("HOTDASH_EXPORT_KEEP_DAYS", default=30)
HOTDASH_EXPORT_CHUNK_ROWS = env.int("HOTDASH_EXPORT_CHUNK_ROWS", default=5000)
HOTDASH_EXPORT_PHONE_REGIONS = env.list("HOTDASH_EXPORT_PHONE_REGIONS", default=["US", "GB", "CA", "DE", "FR", "BR"])
HOTDASH_EXPORT_PHONE_LENIENCY = env.str("HOTDASH_EXPORT_PHONE_LENIENCY", default="valid")
# Processes that redact an export's chunks in parallel: unset for one per CPU, 0 or 1 to redact in the exporting
# process, which exports of fewer than HOTDASH_EXPORT_WORKERS_MIN_ROWS rows always do.
HOTDASH_EXPORT_WORKERS = env.int("HOTDASH_EXPORT_WORKERS", default=None)
HOTDASH_EXPORT_WORKERS_MIN_ROWS = env.int("HOTDASH_EXPORT_WORKERS_MIN_ROWS", default=20_000)
# Annotated drafts the beat task (every 5 minutes) redacts ahead of exports per run: about 10 s of one worker
# process at the redactor's pace of some 5,000 drafts a second.
HOTDASH_EXPORT_REDACT_AHEAD_ROWS = env.int("HOTDASH_EXPORT_REDACT_AHEAD_ROWS", default=50_000)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("HOTDASH_ACCESS_TOKEN_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=env.int("HOTDASH_REFRESH_TOKEN_HOURS", default=12)),
    "SIGNING_KEY": HOTDASH_JWT_SIGNING_KEY,
    "TOKEN_OBTAIN_SERIALIZER": "hotdash.tokens.ConsoleTokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "hotdash.tokens.ConsoleTokenRefreshSerializer",
    # A refresh token works once: refreshing returns a new one and blacklists the one it was given.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}
# How long a process trusts what it read of a subject's revocation (hotdash/revocations): revoking writes the
# cache at once, so this bounds only how long a lost cache write could go unseen.
HOTDASH_REVOCATION_CACHE_SECONDS = 10


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
    "loggers": {
        "django": {"level": env("DJANGO_LOG_LEVEL", default="INFO")},
        # django-axes announces its version whenever Django starts; commands print their output and nothing else.
        "axes.apps": {"level": "WARNING"},
    },
}
