"""FAQ pages as staff use them, plain and with htmx, at a fixed number of queries; and the
editors' screens in the admin, for editors only."""

import pytest
from django.db import connection
from django.urls import reverse

from faq.factories import FAQEntryPageFactory, FAQVoteFactory, QuestionFactory
from faq.models import FAQVote, Question, SearchGap
from portal.factories import StaffFactory, UserFactory
from portal.models import EngagementEvent

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reader(client, person):
    client.force_login(person.user)
    return person


def test_guide_lists_categories_and_entries(client, reader, guide):
    response = client.get(guide.index.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rules of engagement" in html and guide.book.title in html
    assert reader.user.get_username()  # signed in


def test_opening_an_entry_records_one_reading_a_day(client, reader, guide):
    for _ in range(2):
        assert client.get(guide.book.url).status_code == 200
    assert EngagementEvent.objects.filter(staff=reader, kind="faq_viewed").count() == 1


def test_a_preview_does_not_count_as_reading(client, guide):
    editor = UserFactory(is_superuser=True, is_staff=True)
    StaffFactory(user=editor, email=editor.email)
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[guide.book.pk]))
    assert response.status_code == 200
    assert not EngagementEvent.objects.exists()


def test_search_page_and_live_partial(client, reader, guide):
    url = guide.index.url + "search/"
    full = client.get(url, {"q": "book a seat"})
    assert full.status_code == 200
    assert "<html" in full.content.decode() and f'href="{guide.book.url}"' in full.content.decode()
    partial = client.get(url, {"q": "book a seat", "live": "1"}, **HTMX)
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and "<mark>book</mark>" in body
    assert "HX-Request" in partial["Vary"]


def test_only_a_submitted_search_that_finds_nothing_is_a_gap(client, reader, guide):
    url = guide.index.url + "search/"
    client.get(url, {"q": "swag", "live": "1"}, **HTMX)  # typing: not logged
    assert not SearchGap.objects.exists()
    response = client.get(url, {"q": "Swag?"})
    assert "Ask “Swag?”" in response.content.decode()
    assert SearchGap.objects.get().query == "swag"
    client.get(url, {"q": "book"})  # found something: not a gap
    assert SearchGap.objects.get().searches == 1


def test_voting_with_htmx_returns_the_section(client, reader, guide):
    url = guide.book.url + "vote/"
    response = client.post(url, {"helpful": "no", "comment": "Which page?"}, **HTMX)
    assert response.status_code == 200
    assert "You said this did not help" in response.content.decode()
    assert "<html" not in response.content.decode()
    vote = FAQVote.objects.get(user=reader.user)
    assert (vote.helpful, vote.comment) == (False, "Which page?")


def test_voting_without_javascript_redirects_back(client, reader, guide):
    response = client.post(guide.book.url + "vote/", {"helpful": "yes"})
    assert response.status_code == 302
    assert response["Location"].endswith(guide.book.url + "#helpful")
    assert FAQVote.objects.get(user=reader.user).helpful


def test_a_bad_vote_keeps_the_comment_and_says_why(client, reader, guide):
    comment = "Please add the booking link. " * 40  # over 1,000 characters
    response = client.post(guide.book.url + "vote/", {"comment": comment})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose Yes or No." in html and "under 1,000 characters" in html
    assert "Please add the booking link." in html
    assert not FAQVote.objects.exists()


def test_asking_a_question(client, reader, guide):
    ask = guide.index.url + "ask/"
    assert 'value="swag for meetups"' in client.get(ask, {"q": "swag for meetups"}).content.decode()
    bad = client.post(ask, {"text": "", "details": "I looked in the expenses policy."})
    assert bad.status_code == 400
    assert "I looked in the expenses policy." in bad.content.decode()
    response = client.post(ask, {"text": "Can I order swag for a meetup?"})
    assert response.status_code == 302
    assert Question.objects.get().asker == reader.user
    mine = client.get(response["Location"]).content.decode()
    assert "Can I order swag for a meetup?" in mine and "Waiting for an answer" in mine


def test_my_path_shows_answered_questions(client, reader, guide):
    QuestionFactory(asker=reader.user, status="answered", entry=guide.book, text="Seats?")
    QuestionFactory(text="Someone else's question?")
    html = client.get(reverse("my_path")).content.decode()
    assert "Your questions" in html and "Seats?" in html and "Read the answer" in html
    assert "Someone else" not in html


def _grow(guide, n):
    """n more entries, each with votes from new people, and n more staff."""
    StaffFactory.create_batch(n)
    for i in range(n):
        entry = FAQEntryPageFactory(parent=guide.help, title=f"Seat question {i}?")
        FAQVoteFactory(entry=entry, helpful=i % 2 == 0)


@pytest.mark.parametrize("entries", [2, 40])
def test_pages_use_a_fixed_number_of_queries(
    client, reader, guide, entries, django_assert_num_queries
):
    _grow(guide, entries)
    FAQVoteFactory.create_batch(entries, entry=guide.book)
    # Each page: session, user, site, the page tree walk (one per level), view restrictions,
    # the person's staff record, the navigation's permissions, and then its own reads (the
    # lists: and which entries the person has read).
    pages = {
        "guide": (guide.index.url, 17),
        "category": (guide.help.url, 17),
        # includes the (already recorded) reading of today, and the next step (8: the person,
        # My path's four, the next unread entry's three)
        "entry": (guide.book.url, 32),
        # SQLite ranks in one FTS query, then loads the pages; PostgreSQL does both in one
        "search": (guide.index.url + "search/?q=seat", 17 if connection.vendor == "sqlite" else 16),
    }
    for url, _ in pages.values():
        client.get(url)  # warm the per-process caches (menu, site root)
    for name, (url, limit) in pages.items():
        with django_assert_num_queries(limit, info=name):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["faq_admin_questions", "faq_search_gaps:index", "faq_admin_helpfulness"],
)
def test_admin_screens_are_for_editors_only(client, staff_user, community_manager, url):
    client.force_login(staff_user)
    assert client.get(reverse(url)).status_code in (302, 403)
    client.force_login(community_manager)
    assert client.get(reverse(url)).status_code == 200
