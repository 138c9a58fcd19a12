"""The outbox's place in the admin: the list of messages sent, and the resend of a failed one.
Wagtail loads only top-level `wagtail_hooks` modules, so `portal/wagtail_hooks.py` imports this."""

from django.urls import path, reverse
from wagtail import hooks

from portal import admin_todo

from .admin_views import LIST, message_resend_view, message_viewset
from .selectors import messages_failed_count


@hooks.register("register_admin_viewset")
def register_message_viewset():
    return message_viewset


@hooks.register("register_admin_urls")
def register_resend_url():
    return [
        path(
            "programme/messages/<int:pk>/resend/",
            message_resend_view,
            name="portal_outbox_resend",
        )
    ]


admin_todo.register(
    admin_todo.Todo(
        "outbox_failed",
        singular="{n} message could not be delivered",
        plural="{n} messages could not be delivered",
        count=lambda user: messages_failed_count(),
        where=lambda: reverse(LIST) + "?state=failed",
        order=90,
    )
)
