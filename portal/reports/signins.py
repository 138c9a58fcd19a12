"""The report's first section, the portal's own: how recently the people in view signed in."""

from datetime import timedelta

from django.db.models import Count, Q

from .tables import COUNT, PERCENT, TEXT, Column, Table, count, share


def signins_table(*, people, since, now, whole_organisation) -> Table:
    """One aggregate over the people in view: signed in within 7 days, within 30, never."""
    counts = people.aggregate(
        people=Count("pk"),
        week=Count("pk", filter=Q(user__last_login__gte=now - timedelta(days=7))),
        month=Count("pk", filter=Q(user__last_login__gte=now - timedelta(days=30))),
        never=Count("pk", filter=Q(user__isnull=True) | Q(user__last_login__isnull=True)),
    )
    n = counts["people"]
    rows = [
        [label, count(counts[key], n), share(counts[key], n)]
        for label, key in (
            ("Signed in within the last 7 days", "week"),
            ("Signed in within the last 30 days", "month"),
            ("Never signed in", "never"),
        )
    ]
    return Table(
        key="signins",
        title="Who has signed in",
        columns=[Column("Sign-in", TEXT), Column("People", COUNT), Column("Share", PERCENT)],
        rows=rows,
        summary="How recently the people in this view signed in to the portal.",
    )
