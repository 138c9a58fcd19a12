"""Wagtail's page signals, wired to training. No rules here: each calls one function.

Signals rather than admin hooks because a page is published in more than one way (the edit
view, a workflow's approval, a scheduled publish), and all of them send these.
"""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import selectors
from .models import PolicyPage, TrainingIndexPage
from .services import policy as policy_services


def policy_published(sender, instance, **kwargs):
    policy_services.policy_version_follow(policy=instance)


def addresses_changed(sender, **kwargs):
    selectors.training_urls_forget()


def connect() -> None:
    page_published.connect(policy_published, sender=PolicyPage, dispatch_uid="training.policy")
    signals = (page_published, page_unpublished, page_slug_changed, post_page_move, post_delete)
    for model in (TrainingIndexPage, PolicyPage):  # the menu's and My path's cached addresses
        for signal in signals:
            signal.connect(
                addresses_changed,
                sender=model,
                dispatch_uid=f"training.urls.{model.__name__}.{id(signal)}",
            )
