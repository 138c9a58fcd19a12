"""Settings for the test suite: the embedded profile, made fast and deterministic.

`DATABASE_URL` still decides the database, so the same suite runs on SQLite and PostgreSQL.
Celery stays eager here; the tests marked `worker` switch to a real worker themselves.
"""

import os
import tempfile
from pathlib import Path

from . import cache
from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
DEBUG = False
PORTAL_ALLOW_DEMO_DATA = True
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker the fault tests start sends to their SMTP server instead.
EMAIL_BACKEND = os.environ.get(
    "PORTAL_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
# Per process, unless the servers a test starts must share one (the two-server test's Redis).
CACHES = cache.caches(os.environ.get("PORTAL_TEST_CACHE_URL", ""))
CELERY_TASK_ALWAYS_EAGER = True
# A worker the tests start publishes the tasks it fans out to its own private queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("PORTAL_TEST_CELERY_QUEUE", "celery")
# One folder per test process, removed at the end by tests/conftest.py; a Celery worker the
# tests start is handed the same folder.
MEDIA_ROOT = Path(
    os.environ.get("PORTAL_TEST_MEDIA_ROOT")
    or Path(tempfile.gettempdir()) / f"portal-test-media-{os.getpid()}"
)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
