"""Values kept in the cache that every server must drop at once when what they come from changes.

Why not `cache.delete(key)` in a signal, as before (issue 19): the signal fires inside the
transaction that publishes the page, so another server could read the old page between the
delete and the commit and put the old value back, where it stayed until it timed out. And a
value kept per person (may this person see reports?) cannot be deleted for everyone at once.

So each family of values is cached under a version, itself in the cache: `forget()` gives the
family a new version once the change commits, and every process, on every server sharing the
cache, then misses the old values. A reader reads the version before the database, so a value
it computes from a state older than a change is stored under the version that change replaced,
where nobody looks again. The versions are random, not counters: a cache restarted empty, or a
version evicted, can never bring old values back under a version in use.

With the cache down (django-redis reads a failed call as a miss), the version cannot be read
and the value is computed from the database every time; nothing is stored.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

MISSING = object()


class CachedFamily:
    """Values (`key` -> computed value) cached for `timeout` seconds and forgotten together."""

    def __init__(self, name: str, timeout: int):
        self.name, self.timeout = name, timeout
        self.version_key = f"{name}:version"

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value cached under `key`, computed and kept if there is none yet."""
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, None)
            version = cache.get(self.version_key)
            if version is None:  # the cache is not answering: the database decides, every time
                return compute()
        full_key = f"{self.name}:{version}:{key}"
        value = cache.get(full_key, MISSING)
        if value is MISSING:
            value = compute()
            cache.set(full_key, value, self.timeout)
        return value

    def forget(self, **kwargs) -> None:
        """Every value of the family goes stale for every process once the current transaction
        commits (at once outside one). Also a signal receiver, hence `**kwargs`."""
        transaction.on_commit(self._renew)

    def _renew(self) -> None:
        cache.set(self.version_key, uuid.uuid4().hex, None)
