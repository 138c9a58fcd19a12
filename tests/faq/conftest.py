"""A small FAQ guide under the home page, and a member of staff linked to an account."""

from dataclasses import dataclass

import pytest

from faq.factories import FAQCategoryPageFactory, FAQEntryPageFactory, FAQIndexPageFactory
from faq.models import FAQCategoryPage, FAQEntryPage, FAQIndexPage
from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.models import HomePage


@dataclass
class Guide:
    index: FAQIndexPage
    rules: FAQCategoryPage
    help: FAQCategoryPage
    disclose: FAQEntryPage
    book: FAQEntryPage
    escalate: FAQEntryPage


@pytest.fixture
def guide(db) -> Guide:
    index = FAQIndexPageFactory(parent=HomePage.objects.get())
    rules = FAQCategoryPageFactory(parent=index, title="Rules of engagement")
    help_ = FAQCategoryPageFactory(parent=index, title="Getting help")
    disclose = FAQEntryPageFactory(
        parent=rules,
        title="Do I have to say that I work for the company?",
        answer="<p>Yes. Always <b>disclose</b> your employer when you post.</p>",
        phrasings="mention my employer, staff badge",
    )
    book = FAQEntryPageFactory(
        parent=help_,
        title="How do I book a seat at office hours?",
        answer="<p>Pick a session and choose <b>Book a seat</b>.</p>",
    )
    escalate = FAQEntryPageFactory(
        parent=help_,
        title="How do I escalate a forum thread to support?",
        answer="<p>Open a support case from the thread.</p>",
    )
    return Guide(index, rules, help_, disclose, book, escalate)


@pytest.fixture
def person(db):
    """A member of staff with an account and a role."""
    user = UserFactory()
    return StaffFactory(user=user, email=user.email, role=RoleFactory(name="Support Engineer"))
