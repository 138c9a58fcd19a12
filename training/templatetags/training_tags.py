from django import template

from ..blocks import minutes_seconds

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """450 -> "7:30": times in videos, transcripts and chapters."""
    try:
        return minutes_seconds(float(seconds))
    except (TypeError, ValueError):
        return ""
