"""Wagtail's page signals, wired to training. No rules here: each calls one function.

Signals rather than admin hooks because a page is published in more than one way (the edit
view, a workflow's approval, a scheduled publish), and all of them send these.
"""

from wagtail.signals import page_published

from . import selectors
from .models import PolicyPage
from .services import policy as policy_services


def policy_published(sender, instance, **kwargs):
    policy_services.policy_version_follow(policy=instance)


def connect() -> None:
    page_published.connect(policy_published, sender=PolicyPage, dispatch_uid="training.policy")
    selectors.training_index_url.connect()  # the menu's and My path's cached addresses
    selectors.policy_url.connect()
