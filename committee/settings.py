"""Juwei settings, all read from the environment.

Every variable is parsed by a small helper that fails loudly: a bad value stops
start-up with a one-line message naming the variable (manage.py and wsgi.py
print it), rather than running with a silent default.
"""

import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated addresses or networks (10.0.0.1, 10.0.0.0/8, ::1)."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks, not {item!r}"
            ) from None
    return networks


def env_date_year(name: str, default: int) -> int:
    year = env_int(name, default)
    if not 1900 <= year <= 9998:
        raise ImproperlyConfigured(f"{name} must be a year between 1900 and 9998, not {year}")
    return year


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # IMMEDIATE: a transaction takes the write lock when it begins, so two workers
            # queue for it (up to `timeout` seconds) instead of one failing with "database
            # is locked" when both try to upgrade a read lock.
            "OPTIONS": {
                "init_command": "PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    try:
        # Connections are kept CONN_MAX_AGE seconds between requests. CONN_HEALTH_CHECKS
        # pings a kept one before each request reuses it (one SELECT 1 a request): after a
        # database restart no request fails on a dead connection, at that cost.
        config = dj_database_url.parse(
            url,
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
        )
    except Exception as exc:  # noqa: BLE001 -- dj-database-url raises several kinds
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL cannot be parsed: no database engine or name")
    return config


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "django-insecure-juwei-development-only-key"  # noqa: S105 -- DEBUG only

# Keys of the personal data encrypted at rest (committee/crypto.py): comma-separated, the
# first encrypts, all decrypt (rotation: docs/operations.md). Required in production
# (`check --deploy` says so); a fixed key only for DEBUG and the test run.
PERSONAL_DATA_KEYS = env_list("PERSONAL_DATA_KEYS")
if not PERSONAL_DATA_KEYS and (DEBUG or "pytest" in sys.modules):
    PERSONAL_DATA_KEYS = ["juwei-personal-data-development-only-key"]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy: one flag turns on every HTTPS setting.
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The proxies in front of the app whose X-Forwarded-For may be believed (the survey
# form's rate limit and the login lockout count the client address). Anyone else's
# header is ignored; one function reads the address for both.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "committee.clients.client_address"

# Every date typed or imported must fall in these years (a 0001 or 2173 is a typo).
DATE_MIN_YEAR = env_date_year("DATE_MIN_YEAR", 2000)
DATE_MAX_YEAR = env_date_year("DATE_MAX_YEAR", 2099)
if DATE_MIN_YEAR > DATE_MAX_YEAR:
    raise ImproperlyConfigured("DATE_MIN_YEAR must not be after DATE_MAX_YEAR")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "axes",
    "dbbackup",
    "auditlog",
    "committee",
    "staff",
    "surveys",
    "tasks",
    "funds",
    "certificates",
    "paperwork",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "committee.public.CSPMiddleware",  # django-csp's, its header built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # committee/public.py: these five pass the public pages (PUBLIC_PATH_PREFIXES) by.
    "committee.public.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "committee.public.AuthenticationMiddleware",
    "committee.public.MessageMiddleware",
    "committee.public.IdleTimeoutMiddleware",
    # Who, from where, and one group id for every change of the request (committee/audit.py).
    "committee.public.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the login view's failures and answers with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "committee.urls"
# Pages residents open without signing in, hundreds a second when a survey is shared
# widely: the survey's form and thanks. They skip the session, user, messages and history
# middleware (committee/public.py).
PUBLIC_PATH_PREFIXES = ("/surveys/s/",)

# History of changes (committee/audit.py): our entry adds the record's community and a
# reason; the group id is ours, never a client's header.
AUDITLOG_LOGENTRY_MODEL = "committee.AuditEntry"
AUDITLOG_CID_HEADER = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "committee.context_processors.navigation",
                "dashboards.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "committee.wsgi.application"

DATABASES = {"default": database_from_env()}
# The public survey form's few statements are prepared on each PostgreSQL connection
# (committee/prepared.py); false behind a pooler that cannot keep them (PgBouncer < 1.21
# in transaction mode).
PREPARED_STATEMENTS = env_bool("PREPARED_STATEMENTS", True)
# A district dashboard's first visit starts its slowest reads on a second, short-lived
# connection of the process (dashboards/read_ahead.py); false: every read in line.
READ_AHEAD = env_bool("READ_AHEAD", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): five wrong passwords for one username from one
# address within 15 minutes lock that username from that address for 15 minutes;
# a district officer can unlock it sooner (committee/lockouts.py). The same guards
# the admin login.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "committee.lockouts.lockout_response"
# Successful logins are Django's own business; keep only the failures.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Sessions on shared office PCs: signed out after this long without a request
# (committee/sessions.py), and when the browser closes. Changing a password signs
# out every other session of that user (Django's session hash).
_idle_minutes = env_int("SESSION_IDLE_MINUTES", 120)
if _idle_minutes < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be 1 or more")
SESSION_IDLE_TIMEOUT = timedelta(minutes=_idle_minutes)
# The stored session outlives the idle limit by a day, so the user who comes back the
# next morning is told why they were signed out; the middleware enforces the limit.
SESSION_COOKIE_AGE = int((SESSION_IDLE_TIMEOUT + timedelta(days=1)).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp): every script, style, font and image comes from
# the app itself; no inline script or style attribute anywhere (charts included, see
# committee/charts.py). data: images are the QR codes and the charts' embedded marks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the app uses no device feature.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates read 2026-03-01 in both languages on pages, PDFs and workbooks (committee/formats).
FORMAT_MODULE_PATH = ["committee.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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
# Backups (django-dbbackup, `manage.py backup` / `restore`, docs/operations.md): SQLite
# through its online backup API (safe while the app runs), PostgreSQL through pg_dump's
# custom format and pg_restore. Files go to BACKUP_DIR, the newest BACKUP_KEEP kept.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", "").strip() or BASE_DIR / "backups")
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BACKUP_DIR},
}
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "dbbackup.db.sqlite.SqliteBackupConnector",
    "django.db.backends.postgresql": "dbbackup.db.postgresql.PgDumpBinaryConnector",
}
DBBACKUP_CLEANUP_KEEP = env_int("BACKUP_KEEP", 30)
DBBACKUP_SEND_EMAIL = False

# Tests and `make run` serve straight from the finders; production runs collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

DJANGO_TABLES2_PAGE_RANGE = 7

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "committee.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {
        # LOG_FORMAT=json: one JSON object a line, for a log collector (docs/deploy.md).
        "handlers": ["json" if os.environ.get("LOG_FORMAT", "") == "json" else "console"],
        "level": os.environ.get("LOG_LEVEL", "WARNING"),
    },
}

# --- Background jobs, health, replica (issue 16, committee/jobs.py) -------------------------
# Django's Tasks API (django-tasks, as Django 6 ships it). The default backend is the
# database queue (django-tasks-db, workers: `python manage.py jobs_worker`), so a
# deployment needs nothing beyond its database. Redis/RQ instead is a settings change:
# JOBS_BACKEND=django_tasks_rq.RQBackend and REDIS_URL (docs/deploy.md).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
JOBS_QUEUES = ["default", "long"]
JOBS_BACKEND = os.environ.get("JOBS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": JOBS_BACKEND, "QUEUES": JOBS_QUEUES}}
if JOBS_BACKEND.startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        queue: {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}
        for queue in JOBS_QUEUES
    }
# A finished job's file is kept this many hours, then deleted (in the database, never on disk).
JOBS_RESULT_HOURS = env_int("JOBS_RESULT_HOURS", 24)
# A running job whose worker has not written a heartbeat for this long is queued again.
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 60)
# Readiness needs a worker seen within this many seconds (0: do not ask for one).
JOBS_WORKER_SEEN_SECONDS = env_int("JOBS_WORKER_SEEN_SECONDS", 120)
# After a write, a worker draws the street-office and district pages of the communities it
# changed again, this many seconds later (the writes in between join that job), so the next
# visit finds them drawn (dashboards/refresh.py).
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 5)
# Dashboard and report reads go to a replica when one is set.
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    _replica = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=env_int("CONN_MAX_AGE", 60)
    )
    DATABASES["replica"] = _replica | {"TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["committee.routers.ReplicaRouter"]
    MIDDLEWARE += ["committee.routers.ReplicaReadsMiddleware"]

# The 一表通 pull (paperwork/api.py): calls one district key may make a minute.
PAPERWORK_API_CALLS_PER_MINUTE = env_int("PAPERWORK_API_CALLS_PER_MINUTE", 60)

# --- E-mail and reminders (issue 18, dashboards/reminders.py) --------------------------------
# Reminders always reach the 待办 inbox; they are e-mailed too once an SMTP server is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "juwei@localhost")
REMINDER_EMAILS = env_bool("REMINDER_EMAILS", bool(EMAIL_HOST))
# The login page lists the demo's users when the demo is loaded (`make run` sets DEBUG).
DEMO_LOGINS = env_bool("DEMO_LOGINS", DEBUG)
# The address users reach the app at, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

# The dashboards' figure cache (dashboards/figure_cache.py): in the database, shared by
# every app server (the table is created by dashboards' migrations); the default cache
# stays Django's per-process one.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        # Django's database cache with a one-statement set (dashboards/figure_store.py).
        "BACKEND": "dashboards.figure_store.FigureStore",
        "LOCATION": "juwei_figure_cache",
        "TIMEOUT": 60 * 60 * 24,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
