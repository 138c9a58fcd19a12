"""Is this server ready for people? Each service a request may need, asked now (issue 19).

`/healthz` is liveness: the process answers. `/readyz` is readiness, for a load balancer
choosing where to send people: the database answers a query, the cache gives back what was just
written to it, the broker accepts a connection, and the storage's bucket (or local folder) is
there. Each part says ok or failed, so whoever reads the answer knows where to look; why it
failed (host names, error text) goes to the log only, since the answer is public.

Our own rather than django-health-check: its broker checks ping a worker or wait for a task's
result (a web server would leave the pool because the workers are busy, and results are not
stored here), its database check writes rows to a table of its own, and its cache check cannot
tell a failed write from django-redis's IGNORE_EXCEPTIONS. Four small functions, each tested
against a real service stopped for real.

Each check is bounded by the service's own short timeouts: the cache's (`settings/cache.py`),
the broker's below, the database's and the storage client's.
"""

import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2.0  # seconds to connect to the broker; a loopback or LAN Redis takes < 0.01


@dataclass(frozen=True)
class Part:
    name: str
    ok: bool


def readiness() -> list[Part]:
    """Each service, in the order a request meets them, and whether it answered."""
    return [
        Part(name, _answers(name, check))
        for name, check in (
            ("database", _database),
            ("cache", _cache),
            ("broker", _broker),
            ("storage", _storage),
        )
    ]


def _answers(name: str, check) -> bool:
    try:
        check()
    except Exception as error:  # whatever the client raises, the part is not ready
        logger.warning("Not ready: the %s failed its check (%s)", name, type(error).__name__)
        return False
    return True


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    """A value written and read back: django-redis answers a failed call as a miss instead of
    raising, so only the round trip tells."""
    key, value = f"portal:readiness:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise ConnectionError("the cache did not keep a value")
    cache.delete(key)


def _broker() -> None:
    """Without a broker (one machine, tasks inline) there is nothing to ask."""
    if not settings.CELERY_BROKER_URL:
        return
    options = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT}
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT, transport_options=options
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0)


def _storage() -> None:
    """The bucket answers to our credentials (S3), or the media folder can be written to (made
    if missing, as the first upload would make it)."""
    bucket = getattr(default_storage, "bucket", None)
    if bucket is not None:
        bucket.meta.client.head_bucket(Bucket=bucket.name)
        return
    folder = Path(default_storage.location)
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError("the media folder is read-only")
