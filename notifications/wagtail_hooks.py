"""The notifications' place in the Wagtail admin: the nudges (a viewset, with its menu item for
the people who run the programme; the views check again for themselves)."""

from wagtail import hooks

from . import admin_defaults  # noqa: F401  (Notification defaults: its URL and menu item)
from .admin_views import nudge_viewset


@hooks.register("register_admin_viewset")
def register_nudge_viewset():
    return nudge_viewset
