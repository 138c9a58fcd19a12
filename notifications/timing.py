"""When a notification may reach a person: after their quiet hours, and (for what can wait, if
they chose it) in their daily digest. Both are wall-clock times in the person's own zone, so
"quiet from 20:00 until 08:00" means that in Tokyo and in New York, on either side of a clock
change.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def _local(day, moment: time, zone: ZoneInfo) -> datetime:
    """`moment` on `day` in `zone`; a time skipped by a clock change reads as the same
    wall-clock time on the other side (02:30 on the spring-forward night is 03:30)."""
    naive = datetime.combine(day, moment)
    aware = naive.replace(tzinfo=zone)
    # round-trip through UTC normalises a wall-clock time that does not exist that night
    return aware.astimezone(ZoneInfo("UTC")).astimezone(zone)


def quiet_until(now: datetime, zone: ZoneInfo, start: time | None, end: time | None) -> datetime:
    """`now`, or the end of the person's quiet hours if `now` falls inside them."""
    if start is None or end is None or start == end:
        return now
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:  # quiet within one day, e.g. 12:00-13:00
        inside = start <= clock < end
        ends_on = local.date()
    else:  # across midnight, e.g. 20:00-08:00
        inside = clock >= start or clock < end
        ends_on = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return now
    return _local(ends_on, end, zone)


def next_digest(now: datetime, zone: ZoneInfo, at: time) -> datetime:
    """The next moment of the person's daily digest, at `at` their time (today's if it is
    still to come)."""
    local = now.astimezone(zone)
    today = _local(local.date(), at, zone)
    if today > now:
        return today
    return _local(local.date() + timedelta(days=1), at, zone)
