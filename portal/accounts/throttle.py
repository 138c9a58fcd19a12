"""How long until a throttled sign-in may be tried again, in words.

allauth keeps each rate limit as a list of recent attempt times in the cache (newest first);
a limit of N per window is lifted when the N-th newest attempt leaves the window.
"""

import math
import time

from allauth.core.internal import ratelimit
from django.core.cache import cache

APP = "allauth.account"


def wait_seconds(request, *, action: str, key: str) -> float:
    """Seconds until `action` is allowed again for this address and key; 0 when it is now."""
    now = time.time()
    longest = 0.0
    for rate in ratelimit.get_rates(app=APP, action=action):
        if rate.per == "user":
            continue
        cache_key = ratelimit.get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        recent = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
        if len(recent) >= rate.amount:
            longest = max(longest, recent[rate.amount - 1] + rate.duration - now)
    return longest


def in_words(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
