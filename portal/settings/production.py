"""The team-server and large-org profiles: PostgreSQL, Redis, SMTP, behind HTTPS.

Refuses to start without a real secret key, an explicit host list, and (unless
`PORTAL_SINGLE_SERVER=true`) a broker, a shared cache and a bucket; passes
`manage.py check --deploy` with no warnings.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from . import shared_services, storage
from .base import *  # noqa: F403
from .base import BASE_DIR, CACHE_URL, SECRET_KEY, env, env_bool, env_list

DEBUG = False

if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value in production (50 characters or more). "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the portal answers to.")

# Every server shares one broker, one cache and one bucket, unless PORTAL_SINGLE_SERVER=true
# says this is a one-machine install (settings/shared_services.py says why each).
if refusal := shared_services.refusal(os.environ):
    raise ImproperlyConfigured(refusal)
PORTAL_SINGLE_SERVER = shared_services.single_server(os.environ)
if not CACHE_URL:  # one machine: its processes share a folder rather than each its own memory
    CACHES = shared_services.single_server_caches(Path(env("CACHE_DIR") or BASE_DIR / "cache"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

STORAGES = {
    "default": storage.default_storage(os.environ),  # MEDIA_ROOT, or the bucket (storage.py)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS everywhere. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=true.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"  # addresses allauth builds (SSO callbacks, emails)
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
