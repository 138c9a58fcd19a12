"""Reads of the outbox."""

from .models import Message


def messages_failed_count() -> int:
    return Message.objects.filter(state=Message.State.FAILED).count()
