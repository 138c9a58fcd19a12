"""Links that add a booking to a web calendar (Google Calendar, Outlook), for the templates."""

from django import template

from .. import calendar

register = template.Library()


@register.filter
def google_calendar_url(booking) -> str:
    return calendar.google_calendar_url(booking)


@register.filter
def outlook_calendar_url(booking) -> str:
    return calendar.outlook_calendar_url(booking)
