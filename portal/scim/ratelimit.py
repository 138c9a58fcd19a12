"""How many calls one token may make a minute (`SCIM_RATE_LIMIT_PER_MINUTE`).

Counted in the shared cache per token and minute, so every server counts together. With the
cache unreachable nobody is throttled: provisioning carries on, the limit is a courtesy to the
database, not a lock. An identity provider told 429 waits `Retry-After` seconds and tries again
(Entra ID and Okta both do).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

now = timezone.now  # the tests pin the minute through this name


def seconds_to_wait(token_id: int) -> int:
    """0 if this call is allowed, else how long until the next minute starts."""
    limit = settings.SCIM_RATE_LIMIT_PER_MINUTE
    if not limit:
        return 0
    moment = now()
    key = f"scim:rate:{token_id}:{moment:%Y%m%d%H%M}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:  # the counter could not be kept: let the call through
        return 0
    if count is None or count <= limit:
        return 0
    return max(1, 60 - moment.second)
