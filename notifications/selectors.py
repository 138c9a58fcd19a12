"""Reading a person's notifications."""

from .models import Notification

INBOX_PAGE = 30


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox(*, user, limit: int = INBOX_PAGE) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])
