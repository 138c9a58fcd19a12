"""Reads for the portal's own pages. Each returns plain data in a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone


@dataclass(frozen=True)
class SigninActivity:
    people: int
    last_7_days: int
    last_30_days: int
    never: int

    def rows(self) -> list[tuple[str, int, int]]:
        """(label, people, whole percent of all people) for each recency band."""
        return [
            (label, count, round(100 * count / self.people) if self.people else 0)
            for label, count in (
                ("Signed in within the last 7 days", self.last_7_days),
                ("Signed in within the last 30 days", self.last_30_days),
                ("Never signed in", self.never),
            )
        ]


def signin_activity(*, now: datetime | None = None) -> SigninActivity:
    """How many active accounts exist and how recently they signed in, in one query."""
    now = now or timezone.now()
    counts = (
        get_user_model()
        .objects.filter(is_active=True)
        .aggregate(
            people=Count("pk"),
            last_7_days=Count("pk", filter=Q(last_login__gte=now - timedelta(days=7))),
            last_30_days=Count("pk", filter=Q(last_login__gte=now - timedelta(days=30))),
            never=Count("pk", filter=Q(last_login__isnull=True)),
        )
    )
    return SigninActivity(**counts)
