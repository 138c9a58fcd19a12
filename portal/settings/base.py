"""Settings shared by every profile.

Everything that differs between a laptop and a company server comes from environment variables
(documented in `.env.example`); the defaults are the embedded profile: SQLite, eager Celery,
console mail, so `make run` works on a bare machine.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from . import browser_policy, cache, sso, storage

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
    "portal.scim",
    "training",
    "faq",
    "officehours",
    "champions",
    "notifications",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
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
    "csp",
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
    "django.contrib.humanize",  # allauth's security-key pages load it
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry the browser policies too.
    "portal.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.bad_input.BadInputMiddleware",  # before anything reads the session or a field
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

# Small groups ------------------------------------------------------------------------------------
# No number about fewer people than this is shown in any report, and anonymous pulse results
# change only once this many new answers have arrived (portal/rollout/pulse.py). 10 is what
# Microsoft chose for its own reports; below 2 there is nothing left to hide behind.
REPORT_MIN_GROUP = int(env("REPORT_MIN_GROUP", "5") or 5)
if REPORT_MIN_GROUP < 2:
    raise ImproperlyConfigured("REPORT_MIN_GROUP must be 2 or more (5 by default, 10 is stricter).")


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

# The cache only saves work: with Redis down, pages are slower, never errors (settings/cache.py).
CACHE_URL = env("CACHE_URL")
CACHES = cache.caches(CACHE_URL)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "portal.cache"  # a line a minute while Redis is down (portal/cache.py)

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
# Sessions live in the database, never in the cache: a Redis outage signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
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

# Provisioning (SCIM 2.0, portal/scim) --------------------------------------------------------
# Which source owns the staff directory: "scim" (the identity provider; the HR import may add
# and update people but never marks anyone as left), "csv" (the HR import; SCIM may only read)
# or "both".
DIRECTORY_SOURCE = env("DIRECTORY_SOURCE", "both").strip().lower()
if DIRECTORY_SOURCE not in {"scim", "csv", "both"}:
    raise ValueError("DIRECTORY_SOURCE must be scim, csv or both")
# Calls one SCIM token may make a minute (0: no limit), and the largest request body accepted.
SCIM_RATE_LIMIT_PER_MINUTE = int(env("SCIM_RATE_LIMIT_PER_MINUTE", "1200") or 0)
SCIM_MAX_BODY_BYTES = int(env("SCIM_MAX_BODY_BYTES", str(1024 * 1024)))
SCIM_CALLS_KEEP_DAYS = int(env("SCIM_CALLS_KEEP_DAYS", "30"))

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
# Uploaded and generated files: MEDIA_ROOT, or the private S3 bucket that
# AWS_STORAGE_BUCKET_NAME names (settings/storage.py).
STORAGES = {
    "default": storage.default_storage(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media reach signed-in people only, and Python never streams them in production: from a bucket
# the portal redirects to a presigned URL; from the local disk it hands the file to nginx at this
# internal location (X-Accel-Redirect), e.g. "/protected-media/". Unset, or with DEBUG, the
# portal sends the bytes itself, with byte ranges (portal/media_serving.py).
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT")

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
# The outbox (portal/outbox): a worker that dies mid-send gives its message back after this long,
# so keep it above the longest SMTP conversation (Django's EMAIL_TIMEOUT, below).
OUTBOX_LEASE_SECONDS = int(env("OUTBOX_LEASE_SECONDS", "300"))
OUTBOX_KEEP_DAYS = int(env("OUTBOX_KEEP_DAYS", "30"))  # sent messages are then forgotten
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "60"))

# Notifications beyond email (notifications/, docs/notifications.md). Slack: a bot token
# (xoxb-...) and the signing secret of interactive buttons; SLACK_API_URL points the client at a
# proxy (or a test's capture server). Teams: a Workflows webhook for a channel, and a bot for
# messages to one person.
SLACK_BOT_TOKEN = env("SLACK_BOT_TOKEN", "")
SLACK_SIGNING_SECRET = env("SLACK_SIGNING_SECRET", "")
SLACK_API_URL = env("SLACK_API_URL", "https://slack.com/api/")
SLACK_CHANNEL = env("SLACK_CHANNEL", "")  # a channel id (C...) for nudges posted to everyone
TEAMS_WEBHOOK_URL = env("TEAMS_WEBHOOK_URL", "")
TEAMS_BOT_APP_ID = env("TEAMS_BOT_APP_ID", "")
TEAMS_BOT_APP_PASSWORD = env("TEAMS_BOT_APP_PASSWORD", "")
TEAMS_BOT_TENANT_ID = env("TEAMS_BOT_TENANT_ID", "")
TEAMS_LOGIN_URL = env("TEAMS_LOGIN_URL", "https://login.microsoftonline.com/")
TEAMS_SERVICE_URL = env("TEAMS_SERVICE_URL", "https://smba.trafficmanager.net/teams/")
TEAMS_GRAPH_URL = env("TEAMS_GRAPH_URL", "https://graph.microsoft.com/v1.0/")
# Where the keys that sign the Bot Framework's calls to the bot (its buttons) are listed.
TEAMS_OPENID_METADATA_URL = env(
    "TEAMS_OPENID_METADATA_URL", "https://login.botframework.com/v1/.well-known/openidconfiguration"
)
CHANNEL_TIMEOUT = int(env("CHANNEL_TIMEOUT", "10"))  # seconds for one Slack or Teams call

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
# No product code reads a task's return value, so none is stored (a test that waits for one
# asks for it with ignore_result=False).
CELERY_TASK_IGNORE_RESULT = True
# A task that hangs (a dead SMTP server, a stuck query) must give its worker back. The longest
# task is the nightly recompute: 10-13 s from scratch at 100,000 people and 5,000,000 events
# (bench/README.md's data, SQLite, on a shared 2-core machine), so ten minutes is ample. The
# soft limit raises SoftTimeLimitExceeded in the task, so its transaction rolls back; the hard
# one kills the process a minute later if even that hangs.
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
# WeasyPrint (digest and report PDFs) and the recompute's frames (~460 MiB at full size) leave a
# worker process holding memory it rarely returns; past this size (KiB, ~2.4 times a fresh
# worker's 170 MiB) the process is replaced after its current task, never during it.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000
# Beat may be started on every host: celery-redbeat keeps the schedule in Redis and lets only
# the beat holding its lock send anything; the others wait for the lock, and one takes over
# within CELERY_REDBEAT_LOCK_TIMEOUT seconds of the holder's end (at once if it stopped
# cleanly), carrying on from the last run Redis recorded. (django-celery-beat keeps the schedule
# in the database but does not stop two beats sending the same job.) Beat wakes at least every
# CELERY_BEAT_MAX_LOOP_INTERVAL seconds and renews the lock each time. Without a Redis broker,
# Celery's own scheduler: then run exactly one beat.
CELERY_REDBEAT_REDIS_URL = env("CELERY_REDBEAT_REDIS_URL", CELERY_BROKER_URL)
if CELERY_REDBEAT_REDIS_URL.startswith(("redis://", "rediss://")):
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30
CELERY_REDBEAT_LOCK_TIMEOUT = 150
CELERY_BEAT_SCHEDULE = {
    # The outbox: due messages are delivered (and retried), and jobs a change asked for while
    # the broker was down are published. Each change also starts these at once after commit.
    "outbox-deliver": {"task": "portal.tasks.outbox_deliver", "schedule": 60.0},
    "outbox-relay": {"task": "portal.tasks.outbox_relay", "schedule": 60.0},
    "outbox-prune": {"task": "portal.tasks.outbox_prune", "schedule": crontab(hour=3, minute=45)},
    # Video uploads an editor started and never finished (or never saved) go after a day.
    "training-video-uploads-sweep": {
        "task": "training.tasks.video_uploads_sweep",
        "schedule": crontab(hour=3, minute=55),
    },
    # Staff-import previews wait a day for their confirmation (people/importing/pending.py).
    "people-pending-imports-sweep": {
        "task": "portal.tasks.people_pending_imports_sweep",
        "schedule": crontab(hour=3, minute=50),
    },
    # The Provisioning screen's record of SCIM calls keeps SCIM_CALLS_KEEP_DAYS.
    "scim-calls-forget": {
        "task": "portal.scim.tasks.scim_calls_forget",
        "schedule": crontab(hour=4, minute=20),
    },
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
    # Reminders managers asked for ("not at target yet"): swept from their outbox, each once.
    "reports-target-reminders": {
        "task": "portal.tasks.reports_target_reminders_send",
        "schedule": 300.0,
    },
    "training-assignment-reminders": {
        "task": "training.tasks.assignment_reminders_sweep",
        "schedule": crontab(hour=7, minute=0),
    },
    # Nudges community managers switched on, evaluated set-wise; each person once per interval.
    "notifications-nudges": {
        "task": "notifications.tasks.nudges_evaluate",
        "schedule": 900.0,
    },
    # Events older than EVENT_RETENTION_MONTHS lose their details (nothing while it is unset).
    "privacy-events-retention": {
        "task": "portal.tasks.privacy_events_retention",
        "schedule": crontab(hour=4, minute=10),
    },
}

# What browsers may do (settings/browser_policy.py says why each part is there) ---------------
# django-csp 4's format: the site's policy, enforced on every response outside the Wagtail admin,
# which gets its own (portal.security_headers picks one). Violations are logged by /csp-report/.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": browser_policy.SITE_DIRECTIVES}
ADMIN_CONTENT_SECURITY_POLICY = {"DIRECTIVES": browser_policy.ADMIN_DIRECTIVES}
PERMISSIONS_POLICY = browser_policy.permissions_policy_header(browser_policy.PERMISSIONS_POLICY)

# Wagtail ---------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = PORTAL_NAME
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents go through Wagtail's serve view (sign-in, collection privacy), then the same way as
# other media: a presigned redirect, or our sendfile backend (X-Accel-Redirect or ranges).
WAGTAILDOCS_SERVE_METHOD = storage.documents_serve_method(STORAGES["default"])
SENDFILE_BACKEND = "portal.media_serving"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from inside a company network
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # avatars are uploaded or the default, never fetched
# The admin shows times in the reader's zone, chosen once on the portal (accounts.zones keeps
# Wagtail's profile in step); Wagtail's own time-zone setting would be a second, diverging one.
WAGTAIL_USER_TIME_ZONES = []

# Community ------------------------------------------------------------------------------------
# Secrets the Discourse webhook is signed with, comma-separated: two while one is rotated out.
# None: /webhooks/discourse/ answers 503.
DISCOURSE_WEBHOOK_SECRETS = [
    s.strip() for s in env("DISCOURSE_WEBHOOK_SECRETS", "").split(",") if s.strip()
]

# Personal data -----------------------------------------------------------------------------------
# Engagement events older than this many months keep only what the tiers are computed from
# (portal/privacy/retention.py); 0 or unset: kept whole.
EVENT_RETENTION_MONTHS = int(env("EVENT_RETENTION_MONTHS", "0") or 0)

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
