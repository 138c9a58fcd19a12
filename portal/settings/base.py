"""Settings shared by every profile.

Everything that differs between a laptop and a company server comes from environment variables
(documented in `.env.example`); the defaults are the embedded profile: SQLite, eager Celery,
console mail, so `make run` works on a bare machine.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from . import sso

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

PORTAL_NAME = env("PORTAL_NAME", "Community Advocacy Portal")
# Demo data (synthetic people, a known password) may only be created where this is true.
PORTAL_ALLOW_DEMO_DATA = False

INSTALLED_APPS = [
    "portal",
    "training",
    "faq",
    "officehours",
    "champions",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.zones.ReaderTimeZoneMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.permissions.LoginRequiredMiddleware",
    "portal.accounts.mfa.AdminsSetUpMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]


# Databases -------------------------------------------------------------------------------------
def database_from_url(url: str) -> dict:
    """Django's database settings for a URL, with the embedded profile's SQLite tuning."""
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
            # the start of a transaction, so two writers queue instead of failing midway.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return database


DATABASES = {
    "default": database_from_url(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sign-in ---------------------------------------------------------------------------------------
# django-allauth does all of it: passwords (throttled), single sign-on (OpenID Connect, SAML),
# second factors. Our rules (who may sign in, roles from the identity provider) sit in
# `portal.accounts`, behind allauth's adapters.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "account_login"
# One sign-in page for the site and the Wagtail admin: the admin signs in through the same SSO.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Passwords are changed and reset on the throttled allauth pages only, not Wagtail's own.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.

# PASSWORD_SIGN_IN=false: single sign-on only. Nobody signs in with a password except a
# superuser on the break-glass page (/accounts/break-glass/), for when the IdP is down.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
# Superusers who sign in with a password must have a second factor (TOTP or a security key).
MFA_REQUIRED_FOR_ADMINS = env_bool("MFA_REQUIRED_FOR_ADMINS")
# Identity-provider groups (names or ids, comma-separated) that make someone a community manager
# or a leader here, read again at every single sign-on. Empty: roles are given in the admin.
SSO_GROUPS_COMMUNITY_MANAGERS = env_list("SSO_GROUPS_COMMUNITY_MANAGERS")
SSO_GROUPS_LEADERS = env_list("SSO_GROUPS_LEADERS")
# The claims (OIDC) or attributes (SAML) that carry group memberships.
SSO_GROUPS_CLAIMS = env_list("SSO_GROUPS_CLAIMS") or sso.GROUP_CLAIMS
# How long a "set your password" link from an invitation or a community manager stays valid.
SIGN_IN_LINK_MAX_AGE = int(env("SIGN_IN_LINK_DAYS") or "14") * 24 * 60 * 60

SOCIALACCOUNT_PROVIDERS = sso.providers(os.environ)
# Not allauth's SOCIALACCOUNT_ONLY: it drops the pages second factors and break-glass need.
SOCIALACCOUNT_ADAPTER = "portal.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True  # accounts are made just in time, for people in the directory
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by email is our adapter's decision
SOCIALACCOUNT_STORE_TOKENS = False  # we never call the IdP's APIs for anyone
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"

ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "portal.accounts.forms.SignInForm",
    "reset_password": "portal.accounts.forms.PasswordResetForm",
    "reset_password_from_key": "portal.accounts.forms.NewPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses come from the directory or the IdP
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to addresses we do not know
ACCOUNT_PREVENT_ENUMERATION = True
# Failed sign-ins: 5 per account (by username or email) in 15 minutes, 20 a minute from one
# address; password reset requests likewise per address and per email. Kept in the cache, so a
# server with several processes needs CACHE_URL (a shared Redis).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/15m/key",
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "5/m/user",
}

# Behind a load balancer every request comes from its address: say how many proxies you run
# (each appends to X-Forwarded-For), so the per-address limits count people, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT") or "0")

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = PORTAL_NAME
MFA_PASSKEY_LOGIN_ENABLED = False

# Internationalisation and time -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static and media files ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Mail ------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Advocacy Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery ----------------------------------------------------------------------------------------
# With no broker the portal runs its background work inline (the embedded profile).
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULE = {
    # Attainments are kept current on every event; this nightly rebuild is the safety net.
    "tiers-recompute-nightly": {
        "task": "portal.tasks.tiers_recompute",
        "schedule": crontab(hour=2, minute=30),
    },
    # Office-hour reminders are swept in UTC (never by local-time crontabs); each is sent once.
    "officehours-reminders": {
        "task": "officehours.tasks.reminders_sweep",
        "schedule": 300.0,
    },
    "officehours-schedule-daily": {
        "task": "officehours.tasks.occurrences_schedule_all",
        "schedule": crontab(hour=1, minute=15),
    },
    # Overdue training assignments: one reminder per person and module, whenever this runs.
    # The adoption report by email, Monday morning; the outbox sends each person one a week.
    "reports-weekly-digest": {
        "task": "portal.tasks.reports_digest_send",
        "schedule": crontab(day_of_week="mon", hour=6, minute=0),
    },
    "training-assignment-reminders": {
        "task": "training.tasks.assignment_reminders_sweep",
        "schedule": crontab(hour=7, minute=0),
    },
}

# Wagtail ---------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = PORTAL_NAME
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from inside a company network

# Community ------------------------------------------------------------------------------------
# Secrets the Discourse webhook is signed with, comma-separated: two while one is rotated out.
# None: /webhooks/discourse/ answers 503.
DISCOURSE_WEBHOOK_SECRETS = [
    s.strip() for s in env("DISCOURSE_WEBHOOK_SECRETS", "").split(",") if s.strip()
]

# Logging: one line per event, no personal data in messages. ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # Wagtail's inline index updates, one line each
        # WeasyPrint names every refused URL in full; `portal.pdf` logs scheme and host instead.
        "weasyprint": {"level": "CRITICAL"},
        "fontTools": {"level": "WARNING"},
    },
}
