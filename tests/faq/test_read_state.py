"""Entries a person has read are marked "Read" (in words) in the guide, its categories and
search results, and the guide says how many of its entries they have read; at a fixed number
of queries however much they have read."""

import re

import pytest
from django.db import connection

from faq import selectors
from faq.factories import FAQEntryPageFactory
from portal.factories import StaffFactory, UserFactory
from portal.tiers.services import engagement_record

pytestmark = pytest.mark.django_db
READ = '<span class="badge faq-read">Read</span>'


@pytest.fixture
def reader(client, person):
    client.force_login(person.user)
    return person


def _read(staff, entry, days=1):
    for day in range(days):  # read again on later days: still one entry
        engagement_record(
            staff=staff,
            kind="faq_viewed",
            subject=str(entry.pk),
            source="web",
            idempotency_key=f"faq_viewed:{staff.pk}:{entry.pk}:{day}",
        )


def _marked(html: str, title: str) -> bool:
    """Whether the link to the entry titled `title` is followed by the Read mark."""
    return re.search(re.escape(title) + r"</a>\s*" + re.escape(READ), html) is not None


def test_the_guide_marks_what_i_have_read_and_counts_it(client, reader, guide):
    _read(reader, guide.book, days=3)
    someone = StaffFactory(user=UserFactory())
    _read(someone, guide.escalate)  # someone else's reading is not mine
    html = client.get(guide.index.url).content.decode()
    assert "You have read 1 of 3 entries." in html
    assert _marked(html, guide.book.title)
    assert not _marked(html, guide.escalate.title) and not _marked(html, guide.disclose.title)
    assert "1 of 2 read" in html and "0 of 1 read" in html  # per category


def test_the_category_and_search_mark_it_too(client, reader, guide):
    _read(reader, guide.book)
    html = client.get(guide.help.url).content.decode()
    assert _marked(html, guide.book.title) and not _marked(html, guide.escalate.title)
    found = client.get(guide.index.url + "search/", {"q": "office hours seat"}).content.decode()
    assert re.search(
        r"office hours\?</a>\s*" + re.escape(READ),
        found.replace("<mark>", "").replace("</mark>", ""),
    )


def test_opening_an_entry_marks_it_read(client, reader, guide):
    assert client.get(guide.disclose.url).status_code == 200
    assert selectors.faq_read_ids(staff=reader) == {guide.disclose.pk}
    assert _marked(client.get(guide.rules.url).content.decode(), guide.disclose.title)


def test_without_a_person_nothing_is_read(guide):
    overview = selectors.faq_guide(guide=guide.index, role_id=None, staff=None)
    assert (overview.read, overview.total) == (0, 3)


@pytest.mark.parametrize("entries", [2, 30])
def test_read_marks_take_a_fixed_number_of_queries(
    client, reader, guide, entries, django_assert_num_queries
):
    for i in range(entries):
        entry = FAQEntryPageFactory(parent=guide.help, title=f"Seat question {i}?")
        _read(reader, entry, days=2)
    # Each page: session, user, site, the page tree walk, view restrictions, the person's
    # staff record, the navigation's permissions, its own reads, and the entries read.
    pages = {
        "guide": (guide.index.url, 17),
        "category": (guide.help.url, 17),
        "search": (guide.index.url + "search/?q=seat", 17 if connection.vendor == "sqlite" else 16),
    }
    for url, _ in pages.values():
        client.get(url)  # warm the per-process caches (menu, site root)
    for name, (url, limit) in pages.items():
        with django_assert_num_queries(limit, info=name):
            html = client.get(url).content.decode()
        assert html.count(READ) >= 2, name  # the guide previews six entries a category
        if name == "guide":
            assert f"You have read {entries} of {entries + 3} entries." in html
