"""Wagtail's page signals, wired to the FAQ services. No rules here: each calls one function.

Signals rather than admin hooks because an entry is published in more than one way (the edit
view, a moderation workflow's approval, a scheduled publish), and all of them send these.
"""

from wagtail.signals import page_published, page_unpublished

from . import selectors, services
from .models import FAQEntryPage


def entry_published(sender, instance, **kwargs):
    services.questions_answer_by(entry=instance)
    selectors.faq_search_forget()


def entry_unpublished(sender, **kwargs):
    selectors.faq_search_forget()


def connect() -> None:
    page_published.connect(entry_published, sender=FAQEntryPage, dispatch_uid="faq.answered")
    page_unpublished.connect(entry_unpublished, sender=FAQEntryPage, dispatch_uid="faq.unpub")
    selectors.faq_guide_url.connect()  # the menu's cached address of the guide
