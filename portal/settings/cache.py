"""The cache setting, built from `CACHE_URL`.

A pure function of its argument (no Django imports), so the settings module and the fault test
build the same configuration: the test points it at a redis-server it starts and stops.

The cache only ever saves work, so losing it must cost time, never a page: django-redis (the
backend the Django world keeps; Django's own RedisCache raises on every error) with
`IGNORE_EXCEPTIONS` reads a failed get as a miss and skips a failed write, and short socket
timeouts make an unreachable Redis cost a fraction of a second per call, not the default of no
timeout at all. `portal.cache` decides what a lost `add` means and keeps the log to a line a
minute. Sessions are in the database (`SESSION_ENGINE`), not here.
"""

# Seconds. Connecting to a Redis on the same network takes well under a millisecond; one that
# has stopped refuses at once, one that has vanished (a host gone, a dropped packet) is given up
# on after these.
CONNECT_TIMEOUT = 0.1
READ_TIMEOUT = 0.25


def caches(url: str) -> dict:
    """Django's CACHES for `url` (a redis:// or rediss:// URL); per-process memory without one."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": READ_TIMEOUT,
            },
        }
    }
