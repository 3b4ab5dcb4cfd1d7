"""Django settings for MedBridge.

Every value that differs between a laptop and production comes from the
environment through the typed helpers in ``medbridge.environ``. With nothing set,
MedBridge runs in development mode on an embedded SQLite file under ``var/``.
"""

from __future__ import annotations

from pathlib import Path

import csp.constants as csp
import dj_database_url
from django.utils.translation import gettext_lazy as _

from medbridge.environ import (
    SettingsError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("MEDBRIDGE_HOME", str(PACKAGE_DIR.parents[1])))
VAR_DIR = BASE_DIR / "var"

# Production turns on the HTTPS and cookie settings at the end of this file.
PRODUCTION = env_choice("MEDBRIDGE_ENV", "development", ("development", "production")) == "production"
DEBUG = env_bool("MEDBRIDGE_DEBUG", not PRODUCTION)
SECRET_KEY = secret_key(BASE_DIR, debug=DEBUG)
# A separate key for personal data, so rotating the session key does not make
# stored phone numbers unreadable. Falls back to the secret key in development.
PII_KEY = env_secret("MEDBRIDGE_PII_KEY", SECRET_KEY)
ALLOWED_HOSTS = env_list("MEDBRIDGE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("MEDBRIDGE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "auditlog",
    "ninja",  # serves its Swagger UI files locally: no CDN on a closed network
    "medbridge.accounts",
    "medbridge.directory",
    "medbridge.interop",
    "medbridge.programmes",
    "medbridge.postings",
    "medbridge.referrals",
    "medbridge.activities",
    "medbridge.clinics",
    "medbridge.reports",
    "medbridge.fhir",
    "medbridge.planning",
    "medbridge.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "medbridge.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "medbridge.web.middleware.RejectNulInApiMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "medbridge.accounts.middleware.PasswordRotationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes last, as its documentation asks, so it sees the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medbridge.urls"
WSGI_APPLICATION = "medbridge.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "medbridge.web.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL", "")
    if not url:
        return _sqlite(VAR_DIR / "medbridge.sqlite3")
    if url.startswith("sqlite:"):
        return _sqlite(Path(url.removeprefix("sqlite:///")))
    if not url.startswith(("postgres://", "postgresql://")):
        raise SettingsError(f"DATABASE_URL must start with postgres:// or sqlite:///, got {url!r}")
    config: dict[str, object] = dict(
        dj_database_url.parse(
            url, conn_max_age=env_int("MEDBRIDGE_DB_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
        )
    )
    return config


def _sqlite(path: Path) -> dict[str, object]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue on the busy timeout instead
            # of one failing with "database is locked" on lock upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("MEDBRIDGE_SQLITE_TIMEOUT", 20, minimum=1),
        },
        # Tests run on a file too, not Django's shared in-memory database: its
        # table locks ignore the busy timeout, so tests of concurrent writers
        # would measure an artefact instead of the locking users get.
        "TEST": {"NAME": str(path.with_name(f"test_{path.name}"))},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Axes first so a locked account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_POLICY = env_choice("MEDBRIDGE_PASSWORD_POLICY", "asvs", ("asvs", "dengbao"))
PASSWORD_MAX_AGE_DAYS = env_int("MEDBRIDGE_PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
_COMMON_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if PASSWORD_POLICY == "asvs":
    # OWASP ASVS 2.1: long passphrases, no composition rules, no forced rotation.
    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
        *_COMMON_VALIDATORS,
    ]
else:
    # GB/T 22239 (等保 2.0) practice: 8+ characters from three classes, rotated.
    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
        {"NAME": "medbridge.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
        *_COMMON_VALIDATORS,
    ]

AXES_FAILURE_LIMIT = env_int("MEDBRIDGE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("MEDBRIDGE_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Idle timeout: the session expires this long after the last request.
SESSION_COOKIE_AGE = env_int("MEDBRIDGE_IDLE_TIMEOUT_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("MEDBRIDGE_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Audit ----------------------------------------------------------------

AUDIT_RETENTION_DAYS = env_int("MEDBRIDGE_AUDIT_RETENTION_DAYS", 365, minimum=180)
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and uploaded files -------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("MEDBRIDGE_IMPORT_MAX_MB", 20, minimum=1) * 1024 * 1024
# What an import file may inflate to and hold: a zip bomb or a million-row sheet
# is refused with a message instead of filling the server's memory.
IMPORT_MAX_UNPACKED_BYTES = env_int("MEDBRIDGE_IMPORT_MAX_UNPACKED_MB", 200, minimum=1) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("MEDBRIDGE_IMPORT_MAX_ROWS", 50_000, minimum=1)
# Page imports run in a background thread so the page can show progress; tests
# run them inline so they see the finished job.
IMPORTS_INLINE = env_bool("MEDBRIDGE_IMPORTS_INLINE", False)
# An upload-page import still unfinished this long after it was submitted died with
# its server process (its transaction rolled back); the status page then says so.
IMPORT_STALE_MINUTES = env_int("MEDBRIDGE_IMPORT_STALE_MINUTES", 60, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MEDBRIDGE_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Clinics and public booking ---------------------------------------------

CLINIC_WAITLIST_SIZE = env_int("MEDBRIDGE_CLINIC_WAITLIST", 10, minimum=0)  # per session
# How far ahead the public sees and books sessions (号源 open four weeks ahead).
CLINIC_BOOKING_HORIZON_DAYS = env_int("MEDBRIDGE_CLINIC_BOOKING_HORIZON_DAYS", 28, minimum=1)
CLINIC_MAX_ACTIVE_BOOKINGS = env_int("MEDBRIDGE_CLINIC_MAX_ACTIVE_BOOKINGS", 3, minimum=1)  # per phone
# Booking and cancellation attempts per client address per hour (Django's cache).
CLINIC_REQUESTS_PER_HOUR = env_int("MEDBRIDGE_CLINIC_REQUESTS_PER_HOUR", 30, minimum=1)
# Behind a reverse proxy the client address is the first of X-Forwarded-For.
CLINIC_TRUST_FORWARDED_FOR = env_bool("MEDBRIDGE_TRUST_FORWARDED_FOR", False)
CLINIC_ANONYMISE_AFTER_DAYS = env_int("MEDBRIDGE_CLINIC_ANONYMISE_AFTER_DAYS", 90, minimum=1)
# Dotted path of the class that sends patients' text messages (see clinics/notify.py).
NOTIFY_CHANNEL = env_str("MEDBRIDGE_NOTIFY_CHANNEL", "medbridge.clinics.notify.LogChannel")

# --- Production hardening and operations (docs/operations.md) ---------------------

INSTALLED_APPS += ["csp", "medbridge.operations"]
# Right after SecurityMiddleware, so every response, error pages included, carries the policy.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
# Old keys still verify sessions and signed links while users move to the new one.
SECRET_KEY_FALLBACKS = env_list("MEDBRIDGE_SECRET_KEY_FALLBACKS", [])
# Old personal-data keys still decrypt until `medbridge rotate-pii-key` has rewritten every value.
PII_KEY_FALLBACKS = env_list("MEDBRIDGE_PII_KEY_FALLBACKS", [])
# Lookup hashes (ID numbers, phones) never rotate; pin this to the first PII key before rotating it.
PII_LOOKUP_KEY = env_secret("MEDBRIDGE_PII_LOOKUP_KEY", PII_KEY)
# Several app servers must share the booking rate limit: "database" keeps it in a
# table (`medbridge createcachetable`); the default is each process's own memory.
if env_choice("MEDBRIDGE_CACHE", "local", ("local", "database")) == "database":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "medbridge_cache"}}
# nginx terminates TLS and says so in X-Forwarded-Proto; only trust it behind such a proxy.
if env_bool("MEDBRIDGE_BEHIND_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("MEDBRIDGE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("MEDBRIDGE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MEDBRIDGE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("MEDBRIDGE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The CSRF cookie stays readable to scripts (Swagger UI sends it back as X-CSRFToken);
# Django's docs: HttpOnly on it would add no protection. The session cookie is HttpOnly.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        # Inline scripts run only with the per-response nonce: templates write nonce="{{ request.csp_nonce }}".
        "script-src": [csp.SELF, csp.NONCE],
        # Style attributes in templates and ECharts' tooltips; styles cannot run code.
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
