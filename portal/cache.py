"""The shared cache's backend: django-redis, and what a cache that cannot be reached means.

`portal.settings.cache` turns on django-redis's IGNORE_EXCEPTIONS: a read that fails is a miss,
a write that fails is skipped, and the page is served from the database. Two things are ours:

- `add` that cannot reach Redis answers True ("it was not there, it is yours"), where
  django-redis answers None, which every caller reads as "someone else has it". All our callers
  are allauth's: the lock around each rate-limit count (None: it retries for a second, then
  refuses the sign-in as if throttled) and the one-use checks of second-factor codes and ID
  tokens (None: every code is "already used"). So with Redis down everyone could be locked out,
  the break-glass superuser included. With True, sign-in works; while Redis is down the failed
  sign-in counts are not kept and a code could be used twice within its minute, and the log
  says Redis is down. A lock that cannot be taken never makes a request fail here.
- The log: django-redis logs every ignored error with its traceback, several per page during an
  outage. `OncePerMinute` lets the first through, then one a minute per process, each saying how
  many it left out.
"""

import logging
import threading
import time

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.cache import omit_exception

LOGGER = "portal.cache"  # DJANGO_REDIS_LOGGER names it, so django-redis logs here too


class RedisCache(DjangoRedisCache):
    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)


class OncePerMinute(logging.Filter):
    """Passes one record per `seconds`, and says in it how many were held back since the last."""

    def __init__(self, seconds: float = 60.0, clock=time.monotonic):
        super().__init__()
        self.seconds = seconds
        self.clock = clock
        self.next_at: float | None = None
        self.held_back = 0
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        with self.lock:
            if self.next_at is not None and now < self.next_at:
                self.held_back += 1
                return False
            self.next_at = now + self.seconds
            held_back, self.held_back = self.held_back, 0
        record.msg = f"The cache could not be reached; carrying on without it ({record.msg})"
        if held_back:
            record.msg += f"; {held_back} more since the last report"
        return True


# In code, not in LOGGING: every profile that uses this backend gets it, whatever it logs.
logging.getLogger(LOGGER).addFilter(OncePerMinute())
