"""FAQ search: paraphrased questions find the right entry on SQLite and PostgreSQL alike,
matches are highlighted safely, and a person's own role's entries come first."""

import random

import pytest

from faq import demo, search, selectors
from faq.demo_content import PARAPHRASES
from faq.factories import FAQEntryPageFactory
from portal.factories import RoleFactory
from portal.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_guide(db):
    for name in {a for c in demo.demo_content.CATEGORIES for e in c.entries for a in e.audiences}:
        RoleFactory(name=name)
    assert demo.demo_seed(users={}, rng=random.Random(1))  # noqa: S311


def test_paraphrased_questions_find_their_entry_first(demo_guide):
    misses = []
    for query, expected in PARAPHRASES:
        hits = selectors.faq_search(query=query, role_id=None).hits
        if not hits or hits[0].entry.title != expected:
            misses.append((query, hits[0].entry.title if hits else None, expected))
    assert misses == []


def test_words_match_by_stem_and_are_marked(guide):
    outcome = selectors.faq_search(query="booking seats", role_id=None)
    assert [h.entry for h in outcome.hits] == [guide.book]
    assert str(outcome.hits[0].title) == (
        "How do I <mark>book</mark> a <mark>seat</mark> at office hours?"
    )
    assert "<mark>Book</mark> a <mark>seat</mark>" in str(outcome.hits[0].snippet)


def test_nothing_found_and_nothing_asked():
    assert selectors.faq_search(query="zebra crossings", role_id=None).hits == []
    assert selectors.faq_search(query="   ", role_id=None).hits == []


def test_the_persons_role_comes_first_and_others_are_labelled(guide):
    sales = RoleFactory(name="Account Executive")
    support = Role.objects.get_or_create(name="Support Engineer")[0]
    for_sales = FAQEntryPageFactory(
        parent=guide.help,
        title="How do I escalate a customer thread as an account executive?",
        audiences=[sales],
    )
    for_support = FAQEntryPageFactory(
        parent=guide.help,
        title="How do I escalate a forum thread as a support engineer?",
        audiences=[support],
    )
    outcome = selectors.faq_search(query="escalate a thread", role_id=support.pk)
    assert for_support in [h.entry for h in outcome.for_you]
    assert [h.entry for h in outcome.for_others] == [for_sales]
    assert outcome.for_others[0].audiences == ["Account Executive"]
    assert outcome.hits[-1].entry == for_sales


def test_highlighting_escapes_what_it_does_not_mark():
    marked = search.highlight("<script>alert('book')</script> & books", {search.stem("book")})
    assert "<script>" not in marked
    assert "&lt;script&gt;" in marked
    assert marked.count("<mark>") == 2


@pytest.mark.parametrize(
    ("query", "normal"),
    [
        ("Swag?!", "swag"),
        ("ＦＵＬＬ width", "full width"),
        ("mail me at a.b@example.com about swag", "mail me at about swag"),
        ("see https://intranet.example.com/x swag", "see swag"),
        ("ticket 12345678 refund", "ticket refund"),
        ("the a of", ""),
    ],
)
def test_gap_normal_form(query, normal):
    assert search.gap_normal_form(query) == normal
