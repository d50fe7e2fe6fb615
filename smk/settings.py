"""Settings, read from environment variables with safe production defaults.

DEBUG is off unless DEBUG=1 is given; without DEBUG a SECRET_KEY must be provided and every
transport-security setting is on. See README.md, "Configuration".

One module past 400 lines: Django reads its settings from one module; each section is headed
by a comment.
"""

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from smk.env import env_bool, env_choice, env_date, env_int, env_list, env_str
from smk.oidc import openid_connect_providers

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-runs-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "smk.admin_site.SmkAdminConfig",  # django.contrib.admin with the second factor required
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_filters",
    "django_tasks_db",
    "smk",
    "accounts",
    "reference",
    "accreditation",
    "qualification",
    "referrals",
    "registry",
    "training",
    "eks",
    "pz",
    "ssozi",
    "portal",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "api",
    "operations",
]

MIDDLEWARE = [
    # First: the request id and the metrics cover everything below (README, "Logs", "Metrics").
    "smk.logs.RequestContextMiddleware",
    "operations.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ActiveProfileMiddleware",
    "pz.middleware.ProfilZaufanyRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "smk.urls"
WSGI_APPLICATION = "smk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smk.context_processors.navigation",
            ],
        },
    },
]

# SQLite (a file under var/) unless DATABASE_URL is given; PostgreSQL in CI and production.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'smk.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: starting parallel workers costs more than it saves (measured on the
    # referral list: ~20 ms of a 33 ms query was worker start-up).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c max_parallel_workers_per_gather=0"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The referral list's indexes INCLUDE the id for PostgreSQL; SQLite ignores it (fine).
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Writers queue up instead of failing with "database is locked" (CONVENTIONS.md).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail and password, no usernames, e-mail verified before the first login.
# Applicants register themselves (seed 002); clerks and unit staff get roles through approved
# role requests (seed 003); an external OpenID Connect login never creates an account.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_ADAPTER = "pz.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "qualification.registration.ApplicantSignupForm"}
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# Rate limits, kept in the shared "default" cache. Failed logins are limited per account (the
# e-mail typed, "key": 5 in 5 minutes, then even the right password waits) and, ten times more
# loosely, per client address: a whole office behind one NAT address shares the per-address
# budget, and so does everybody when the proxy is not trusted (TRUSTED_PROXY_COUNT below), so a
# stranger's failures with made-up e-mails must not be able to lock another account out. Every
# login POST ("login") may come a little faster than the failures' budget, so that the failure
# limits decide and the clerks of one office logging in at 8:00 are not refused. A password reset
# e-mails its address at most 3 times in 5 minutes; per address 20 in 5 minutes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "50/5m/ip,5/5m/key",
    "login": "60/m/ip",
    "reset_password": "20/5m/ip,3/5m/key",
    # "Przenoszę uprawnienia z SSOZI" (ssozi/): failed logins of the old system, as login_failed.
    "ssozi_move_failed": "50/5m/ip,5/5m/key",
    # "Chcę dostać nowy e-mail" (pz/): the activation e-mail again, per account.
    "pz_activation_email": "20/5m/ip,3/5m/key",
    # "Skontaktuj się z nami" (portal): messages per client address and per sender's e-mail.
    "contact": env_str("CONTACT_RATE_LIMIT", "5/h/ip,3/h/key"),
}

# Two-factor authentication (TOTP from an authenticator app, with recovery codes): required
# for administrators before the administration screens open, optional for everyone else.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SMK"
# One 30-second step either side, for phones whose clock drifts a little.
MFA_TOTP_TOLERANCE = 1

# Optional OpenID Connect login (OIDC_* variables, README.md); off unless configured.
SOCIALACCOUNT_PROVIDERS = openid_connect_providers()
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# Profil Zaufany: login through the national node (login.gov.pl) over SAML 2.0 (pz/, README
# "Logowanie przez Profil Zaufany"). Off unless PZ_SP_ENTITY_ID is given; then the node's
# metadata (a file or a URL) and the service provider's key and certificate are required.
PZ_SP_ENTITY_ID = env_str("PZ_SP_ENTITY_ID", "")
PZ_SP_BASE_URL = env_str("PZ_SP_BASE_URL", "")
PZ_SP_KEY_FILE = env_str("PZ_SP_KEY_FILE", "")
PZ_SP_CERT_FILE = env_str("PZ_SP_CERT_FILE", "")
PZ_IDP_METADATA_FILE = env_str("PZ_IDP_METADATA_FILE", "")
PZ_IDP_METADATA_URL = env_str("PZ_IDP_METADATA_URL", "")
PZ_IDP_METADATA_CERT = env_str("PZ_IDP_METADATA_CERT", "")
PZ_XMLSEC_BINARY = env_str("PZ_XMLSEC_BINARY", "")
PZ_CLOCK_SKEW_SECONDS = env_int("PZ_CLOCK_SKEW_SECONDS", 60)
#: Roles whose profiles may be worked in only in a session logged in through Profil Zaufany.
PZ_REQUIRED_ROLES = env_list("PZ_REQUIRED_ROLES", [])
if PZ_SP_ENTITY_ID and not (PZ_SP_KEY_FILE and PZ_SP_CERT_FILE):
    raise ImproperlyConfigured("PZ_SP_ENTITY_ID needs PZ_SP_KEY_FILE and PZ_SP_CERT_FILE")
if PZ_SP_ENTITY_ID and not (PZ_IDP_METADATA_FILE or PZ_IDP_METADATA_URL):
    raise ImproperlyConfigured("PZ_SP_ENTITY_ID needs PZ_IDP_METADATA_FILE or PZ_IDP_METADATA_URL")
if PZ_REQUIRED_ROLES and not PZ_SP_ENTITY_ID:
    raise ImproperlyConfigured("PZ_REQUIRED_ROLES needs Profil Zaufany (PZ_SP_ENTITY_ID)")

# Idle logout after 30 minutes without a request. A request renews the session's expiry when
# the last renewal is SESSION_RENEW_SECONDS old (accounts.sessions.renew_expiry), not on every
# request: a read-only page then writes nothing, so the session lives 30 to 31 minutes after
# the last request (SESSION_SAVE_EVERY_REQUEST made every GET an UPDATE and a COMMIT).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + SESSION_RENEW_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", "Polski")]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (decision attachments, signed requests) live outside the static area and
# are served only through views that check permission.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Several app servers share the uploads on S3-compatible object storage (django-storages) when
# S3_BUCKET is set. The bucket stays private and its objects are never linked to: every file
# goes out through a view that checks the user's scope (smk/uploads.py). A name already taken
# gets a suffix instead of overwriting another person's file.
if env_str("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "location": env_str("S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Uploads: PDF/JPG only, at most this size, scanned by clamd when configured.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "")
CLAMD_HOST = env_str("CLAMD_HOST", "")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)

# "default" holds small state that must not be evicted and that every process must share (login
# rate limits, used TOTP codes): without Redis, the database (the table is made by the migration
# smk 0005, not by hand). Its entries live 5 minutes; MAX_ENTRIES is far above what the per-address
# limits let anyone create, so flooding cannot cull an account's counter. No page is cached: the
# referral list is fast enough built (README, "Performance").
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "smk_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
# With Redis, every app server shares it; when it is down the app keeps serving and login fails
# closed (smk/cache.py). The short timeouts keep a request from hanging on an unreachable host.
if env_str("REDIS_URL"):
    CACHES = {
        alias: {
            "BACKEND": "smk.cache.FailSafeRedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "KEY_PREFIX": alias,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        for alias in ("default",)
    }

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A task running longer than this lost its worker (operations/jobs.py, smk/task_recovery.py):
# it is retried until it was started TASK_MAX_RUNS times, then failed.
TASK_RUN_TIMEOUT_SECONDS = env_int("TASK_RUN_TIMEOUT_SECONDS", 15 * 60)
TASK_MAX_RUNS = env_int("TASK_MAX_RUNS", 3)
# /readyz fails when a due task has waited longer than this: no worker is taking tasks.
READINESS_QUEUE_STUCK_SECONDS = env_int("READINESS_QUEUE_STUCK_SECONDS", 10 * 60)
if min(TASK_RUN_TIMEOUT_SECONDS, TASK_MAX_RUNS, READINESS_QUEUE_STUCK_SECONDS) < 1:
    raise ImproperlyConfigured(
        "TASK_RUN_TIMEOUT_SECONDS, TASK_MAX_RUNS and READINESS_QUEUE_STUCK_SECONDS "
        "must be 1 or more"
    )

# /metrics answers only these addresses or networks (the connection's, never a header's);
# everyone else gets a 404 (operations/metrics.py).
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(entry, strict=False) for entry in METRICS_ALLOWED_IPS
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {error}") from error

# The integration API (api/, README "Integration API"): JSON only, OAuth 2.0 client credentials,
# the scope each view names, a rate limit per client in the shared "default" cache.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 2 * 1024 * 1024)
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)
API_TOKEN_SECONDS = env_int("API_TOKEN_SECONDS", 3600)
# Django refuses larger bodies before any view reads them (the API answers 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = max(API_MAX_BODY_BYTES, 2_621_440)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ClientHasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    # OPTIONS answers 405: no browser calls the API across origins, and DRF's description of a
    # view's fields is what the schema is for.
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "api.exceptions.handle",
    "DATETIME_FORMAT": "iso-8601",
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "api.scopes.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.ClientValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": API_TOKEN_SECONDS,
    # RFC 9700 (OAuth 2.0 Security BCP), every recommendation adopted: only client credentials
    # are used, tokens are stored hashed and accepted in the Authorization header only.
    "PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SMK — API integracyjne",
    "DESCRIPTION": (
        "API dla systemów jednostek szkoleniowych i urzędów wojewódzkich: skierowania, dane "
        "jednostki, harmonogram, zasilenie, miejsca, aktywacja (README, „Integration API”)."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two "status" fields with their own choices (a referral's, a webhook delivery's).
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "referrals.models.ReferralStatus",
        "DeliveryStatusEnum": "api.models.DeliveryStatus",
    },
}

# E-mail (Django 6.1 MAILERS). SMTP in production, the console when DEBUG is on.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_email_use_tls = env_bool("EMAIL_USE_TLS", default=False)
_email_use_ssl = env_bool("EMAIL_USE_SSL", default=False)
if _email_use_tls and _email_use_ssl:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive")
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": _email_use_tls,
        "use_ssl": _email_use_ssl,
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SMK <no-reply@smk.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
#: Where requesters send signed role requests by e-mail (printed on the request PDF).
ROLE_REQUESTS_EMAIL = env_str("ROLE_REQUESTS_EMAIL", "")
#: A rejected or withdrawn role request becomes "zarchiwizowany" this many days after the
#: decision (``manage.py archive_role_requests``, daily from cron).
ROLE_REQUEST_ARCHIVE_DAYS = env_int("ROLE_REQUEST_ARCHIVE_DAYS", 30)
#: Seed 002's second residency: an applicant already qualified for residency applies for it
#: again — "refuse" (the default), "warn" (the office sees the flag) or "off".
SECOND_RESIDENCY_RULE = env_str("SECOND_RESIDENCY_RULE", "refuse")
if SECOND_RESIDENCY_RULE not in ("refuse", "warn", "off"):
    raise ImproperlyConfigured(
        f"SECOND_RESIDENCY_RULE must be refuse, warn or off, not {SECOND_RESIDENCY_RULE!r}"
    )

# Transport security: on by default, off only for a local DEBUG run over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container health check calls /healthz over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (login rate limits) comes from the proxy only when told so: the number
# of proxies of ours that append to X-Forwarded-For, or the one header a proxy of ours sets.
# Otherwise it is REMOTE_ADDR, and a forged X-Forwarded-For changes nothing.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER")
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
if ALLAUTH_TRUSTED_PROXY_COUNT and ALLAUTH_TRUSTED_CLIENT_IP_HEADER:
    raise ImproperlyConfigured("set TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, not both")

# Content-Security-Policy without 'unsafe-inline': every script and style is a static file.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object a line with the request's id, user, profile and view (smk/logs.py);
    # LOG_FORMAT=text for a person reading a terminal (the default when DEBUG is on).
    "formatters": {
        "json": {"()": "smk.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"},
    },
    "filters": {
        "request": {"()": "smk.logs.RequestContextFilter"},
        "quiet_client_errors": {"()": "smk.logs.QuietClientErrorsFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request", "quiet_client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # pysaml2 logs SAML messages and the NameID (personal data, the PESEL) below WARNING;
    # xmlschema (under pysaml2) logs every schema it loads at INFO.
    "loggers": {"saml2": {"level": "WARNING"}, "xmlschema": {"level": "WARNING"}},
}

# A referral's planned start lies between the end of its session's qualification procedure
# and this many days after it (referrals/planned_dates.py).
REFERRAL_START_WINDOW_DAYS = env_int("REFERRAL_START_WINDOW_DAYS", 365)
if REFERRAL_START_WINDOW_DAYS < 0:
    raise ImproperlyConfigured("REFERRAL_START_WINDOW_DAYS must be 0 or more")

# The site and its operator (README, "Public pages"): the start page, the footer's pages (the
# personal-data notice, the accessibility statement, the terms), the account e-mails.
SITE_NAME = env_str("SITE_NAME", "SMK — skierowania na specjalizację")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
OPERATOR_NAME = env_str("OPERATOR_NAME", "Operator systemu SMK")
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS", "")
#: Where "Skontaktuj się z nami" sends its messages (through the outbox).
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL", "kontakt@smk.local")
OPERATOR_PHONE = env_str("OPERATOR_PHONE", "")
#: The data protection officer (inspektor ochrony danych) named in the personal-data notice.
DATA_PROTECTION_OFFICER_EMAIL = env_str("DATA_PROTECTION_OFFICER_EMAIL", "")
# The accessibility statement (ustawa z dnia 4 kwietnia 2019 r. o dostępności cyfrowej, art. 10).
ACCESSIBILITY_STATUS = env_choice(
    "ACCESSIBILITY_STATUS", "częściowo zgodna", ("zgodna", "częściowo zgodna", "niezgodna")
)
ACCESSIBILITY_PUBLISHED_ON = env_date("ACCESSIBILITY_PUBLISHED_ON", "2026-11-01")
ACCESSIBILITY_UPDATED_ON = env_date("ACCESSIBILITY_UPDATED_ON", "2026-12-01")
ACCESSIBILITY_PREPARED_ON = env_date("ACCESSIBILITY_PREPARED_ON", "2026-12-01")
ACCESSIBILITY_REVIEWED_ON = env_date("ACCESSIBILITY_REVIEWED_ON", "2026-12-01")
ACCESSIBILITY_CONTACT_PERSON = env_str("ACCESSIBILITY_CONTACT_PERSON", "")
