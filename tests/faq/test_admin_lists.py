"""The FAQ's two admin lists as Wagtail listings: helpfulness (a report) and the searches that
found nothing (a view-only viewset). Each filters, searches, sorts, pages by 50, exports a CSV
whose formula-like text is quoted, answers 403 to people in the admin who may not edit pages,
and reads a page of 50 rows in as many queries as a page of 3."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from faq.factories import FAQEntryPageFactory, FAQVoteFactory
from faq.models import FAQVote, SearchGap

pytestmark = pytest.mark.django_db

HELPFULNESS = "faq_admin_helpfulness"
GAPS = "faq_search_gaps:index"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _votes(entry, helpful: int, unhelpful: int, comment: str = ""):
    for _ in range(helpful):
        FAQVoteFactory(entry=entry, helpful=True)
    for _ in range(unhelpful):
        FAQVoteFactory(entry=entry, helpful=False, comment=comment)


@pytest.fixture
def admin_without_pages(staff_user):
    """In the admin (say, for reports) but with no right to edit any page."""
    staff_user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    return staff_user


# Helpfulness


def test_helpfulness_flags_under_sixty_percent_of_five_votes_first(
    client, community_manager, guide
):
    _votes(guide.book, 2, 3, comment="Unclear")  # 40 % of 5: flagged
    _votes(guide.disclose, 0, 4)  # 0 % of 4: too few votes to flag
    _votes(guide.escalate, 4, 1)  # 80 %
    client.force_login(community_manager)
    response = client.get(reverse(HELPFULNESS))
    rows = list(response.context["object_list"])
    assert rows[0] == guide.book and rows[0].flagged == 1 and rows[0].helpful_percent == 40
    assert [r.flagged for r in rows[1:]] == [0] * (len(rows) - 1)
    html = response.content.decode()
    assert html.count('<strong class="w-text-critical-200">Needs review</strong>') == 1
    assert "Rules of engagement" in html  # the category column
    comments = reverse("faq_admin_helpfulness_entry", args=[guide.book.pk])
    assert comments in html
    assert client.get(comments).content.decode().count("Unclear") == 3


def test_helpfulness_filters_by_category_review_and_period_searches_and_sorts(
    client, community_manager, guide
):
    _votes(guide.book, 2, 3)
    _votes(guide.escalate, 1, 0)
    _votes(guide.disclose, 0, 2)
    old = FAQVote.objects.filter(entry=guide.escalate)
    old.update(updated_at=timezone.now() - timedelta(days=40))
    client.force_login(community_manager)
    url = reverse(HELPFULNESS)

    def listed(**params):
        return list(client.get(url, params).context["object_list"])

    assert set(listed(category=guide.help.pk)) == {guide.book, guide.escalate}
    assert listed(flagged="true") == [guide.book]
    assert listed(q="escalate") == [guide.escalate]
    by_unhelpful = listed(ordering="-n_unhelpful")
    assert by_unhelpful[:2] == [guide.book, guide.disclose]
    assert listed(ordering="title")[0] == guide.disclose  # "Do I…" before "How do I…"
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = {e: e.n_votes for e in listed(voted_from=since)}
    assert recent[guide.escalate] == 0 and recent[guide.book] == 5


def test_helpfulness_exports_csv_with_formulas_quoted_and_xlsx(client, community_manager, guide):
    risky = FAQEntryPageFactory(parent=guide.help, title='=HYPERLINK("http://x","y")')
    _votes(risky, 1, 0)
    client.force_login(community_manager)
    rows = _csv(client.get(reverse(HELPFULNESS), {"export": "csv", "q": "HYPERLINK"}))
    assert rows[0][:5] == ["Entry", "Category", "Published", "Helpful (%)", "Votes"]
    assert rows[1][:5] == ['\'=HYPERLINK("http://x","y")', "Getting help", "yes", "100", "1"]
    assert len(rows) == 2  # the search applies to the export too
    xlsx = client.get(reverse(HELPFULNESS), {"export": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]


def test_a_page_of_fifty_entries_takes_as_many_queries_as_three(
    client, community_manager, guide, django_assert_max_num_queries
):
    client.force_login(community_manager)
    url = reverse(HELPFULNESS)
    client.get(url)  # warm the per-process caches (menu, site root)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    for i in range(50):
        entry = FAQEntryPageFactory(parent=guide.help)
        _votes(entry, i % 3, 1, comment="why" if i % 2 else "")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["object_list"]) == 50


def test_helpfulness_is_for_page_editors(client, staff_user, admin_without_pages):
    client.force_login(admin_without_pages)
    for name in (HELPFULNESS, "faq_admin_helpfulness_results"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse(HELPFULNESS), {"export": "csv"}).status_code == 403


# Searches with no results


def _gap(query: str, searches: int, **extra) -> SearchGap:
    return SearchGap.objects.create(
        query=query, searches=searches, last_seen=timezone.now(), **extra
    )


def test_gaps_list_the_waiting_ones_most_searched_first_and_filter_search_sort(
    client, community_manager
):
    meetup = _gap("expenses for a meetup", 7)
    badges = _gap("profile badges", 3)
    dismissed = _gap("lunch menu", 9, dismissed_at=timezone.now())
    old = _gap("old swag", 2)
    SearchGap.objects.filter(pk=old.pk).update(last_seen=timezone.now() - timedelta(days=90))
    client.force_login(community_manager)
    url = reverse(GAPS)

    def listed(**params):
        return list(client.get(url, params).context["object_list"])

    assert listed() == [meetup, badges, SearchGap.objects.get(pk=old.pk)]
    assert listed(status="dismissed") == [dismissed]
    assert listed(q="badge") == [badges]
    assert listed(ordering="searches")[0].query == "old swag"
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert listed(last_seen_from=since) == [meetup, badges]
    page = client.get(url).content.decode()
    assert "Start an entry" in page or "Dismiss" in page


def test_dismissing_a_gap_takes_it_off_the_list(client, community_manager):
    gap = _gap("parking at the office", 4)
    client.force_login(community_manager)
    response = client.post(reverse("faq_admin_search_gap", args=[gap.pk]), {"action": "dismiss"})
    assert response.status_code == 302 and response["Location"] == reverse(GAPS)
    assert gap not in client.get(reverse(GAPS)).context["object_list"]


def test_gaps_export_csv_with_formulas_quoted(client, community_manager):
    _gap("=cmd|' /c calc'!a0", 5)
    _gap("plain words", 2)
    client.force_login(community_manager)
    rows = _csv(client.get(reverse(GAPS), {"export": "csv"}))
    assert rows[0] == ["Search", "Times", "First searched", "Last searched", "Status"]
    assert rows[1][0] == "'=cmd|' /c calc'!a0" and rows[1][1] == "5" and rows[1][4] == "Waiting"
    assert rows[2][0] == "plain words"


def test_a_page_of_fifty_gaps_takes_as_many_queries_as_three(
    client, community_manager, guide, django_assert_max_num_queries
):
    for i in range(3):
        _gap(f"first {i}", i + 1)
    client.force_login(community_manager)
    url = reverse(GAPS)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    for i in range(60):
        _gap(f"more {i}", 100 + i)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["object_list"]) == 50


def test_gaps_are_for_page_editors(client, admin_without_pages):
    _gap("something", 1)
    client.force_login(admin_without_pages)
    for name in (GAPS, "faq_search_gaps:index_results"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse(GAPS), {"export": "csv"}).status_code == 403
