"""The FAQ guide's Celery tasks. Thin: each calls one service."""

from celery import shared_task


@shared_task
def question_notify(question_id: int) -> bool:
    """Tell the person who asked that their question was answered or closed."""
    from .services import question_notify as notify

    return notify(question_id=question_id)
