"""Settings for the benchmarks (`make bench`): the test profile's speed-ups on a file database.

The database is `BENCH_DATABASE_URL`, a throwaway SQLite file by default; set it to a
`postgres://` URL to measure the team-server profile. The harness wipes this database at the
start of a run, so it must never point at data anyone wants to keep.
"""

from .base import *  # noqa: F403
from .base import database_from_url, env

SECRET_KEY = "bench-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
DEBUG = False
PORTAL_ALLOW_DEMO_DATA = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Marks the database as disposable: `bench.harness.database_reset` refuses to run without it.
PORTAL_BENCH_DATABASE = True

BENCH_DATABASE_URL = env("BENCH_DATABASE_URL", "sqlite:////tmp/portal-bench.sqlite3")
# The same connection set-up as the embedded profile, so the numbers hold for it.
DATABASES = {"default": database_from_url(BENCH_DATABASE_URL)}
