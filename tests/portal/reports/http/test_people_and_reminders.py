"""A manager's people table (search, sort, pages, all in the query string) and the reminder
to the people not at target: queued once a week per person, sent once by the sweep (on
`two_lines.py`).

A's line is nine people whose role asks Aware; four hold it (Alpaxton, Brimblecombe,
Fairweatherly, Plumtreeve), so five are not at target: Quimbleforth, Yarrowmere (lapsed),
Wolvane, Kettleworth and Vexingham.
"""

import html
import re
import zoneinfo
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Preferences
from portal.factories import StaffFactory, UserFactory
from portal.reports.models import TargetReminder
from portal.reports.reminders import target_reminders_queue, target_reminders_send
from portal.tiers.models import EngagementEvent
from tests.outbox import delivered

from .two_lines import A_PEOPLE, fetch

NOT_AT_TARGET = [
    "Odalys Quimbleforth",
    "Percival Yarrowmere",
    "Ignatius Wolvane",
    "Thaddeus Kettleworth",
    "Rosalind Vexingham",
]


def names_on(response) -> list[str]:
    return [row[0] for row in response.context["people"].table.rows]


def page_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def remind(client, **data):
    return client.post(reverse("reports_remind"), data)


def event(staff, when, kind="faq_viewed"):
    EngagementEvent.objects.create(
        staff=staff, kind=kind, occurred_at=when, source="test", idempotency_key=f"{staff.pk}{when}"
    )


# The table


def test_the_people_table_is_sorted_furthest_from_target_first_by_default(as_a, org):
    response = fetch(as_a, "reports")
    assert sorted(names_on(response)[:5]) == sorted(NOT_AT_TARGET)
    assert sorted(names_on(response)) == sorted(A_PEOPLE)
    text = page_text(response)
    assert "Showing 1 to 9 of 9 people, furthest from target first." in text
    assert "Send a reminder to the 5 people not at target" in text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_search_by_name_or_email(as_a, org, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = as_a.get(reverse("reports"), {"q": "kettle"}, **headers)
    assert names_on(response) == ["Thaddeus Kettleworth"]
    rosalind = org.staff["Rosalind Vexingham"]
    response = as_a.get(reverse("reports"), {"q": rosalind.email.upper()}, **headers)
    assert names_on(response) == ["Rosalind Vexingham"]
    assert "Showing 1 to 1 of 1 person matching" in page_text(response)
    if htmx:
        assert response.content.lstrip().startswith(b'<div id="report"')
        # the address bar holds the whole view (the manager's own line included), so a
        # reload or a shared link shows the same rows
        pushed = urlsplit(response["HX-Push-Url"])
        assert pushed.path == reverse("reports")
        assert parse_qs(pushed.query) == {"line": [str(org.a.pk)], "q": [rosalind.email.upper()]}


def test_a_search_that_finds_nobody_says_so(as_a, org):
    response = fetch(as_a, "reports", q="nobody-by-this-name")
    assert names_on(response) == []
    assert "Nobody in this view matches “nobody-by-this-name”." in page_text(response)
    assert "Send a reminder" not in page_text(response)


def test_sort_by_name_tier_target_and_last_activity(as_a, org):
    assert names_on(fetch(as_a, "reports", sort="name")) == sorted(A_PEOPLE)
    assert names_on(fetch(as_a, "reports", sort="-name")) == sorted(A_PEOPLE, reverse=True)
    assert names_on(fetch(as_a, "reports", sort="-tier"))[:4] == [
        "Ximena Fairweatherly",  # Trained
        "Zephyrine Alpaxton",  # Informed
        "Leocadia Brimblecombe",  # Aware, then by name
        "Octavian Plumtreeve",
    ]
    at_target_first = names_on(fetch(as_a, "reports", sort="-target"))
    assert set(at_target_first[:4]) == set(A_PEOPLE) - set(NOT_AT_TARGET)
    now = timezone.now()
    event(org.staff["Ignatius Wolvane"], now - timedelta(days=1))
    event(org.staff["Odalys Quimbleforth"], now - timedelta(days=3))
    event(org.staff["Odalys Quimbleforth"], now - timedelta(days=30))
    recent = fetch(as_a, "reports", sort="-activity")
    assert names_on(recent)[:2] == ["Ignatius Wolvane", "Odalys Quimbleforth"]
    assert recent.context["people"].table.rows[0][-1] == timezone.localdate(now - timedelta(days=1))
    assert names_on(fetch(as_a, "reports", sort="activity"))[-2:] == [
        "Odalys Quimbleforth",
        "Ignatius Wolvane",
    ]


def test_sort_links_toggle_and_say_the_order(as_a, org):
    response = fetch(as_a, "reports", sort="name")
    headers = {h["label"]: h for h in response.context["people_headers"]}
    assert headers["Name"]["sort"] == "ascending"
    assert "sort=-name" in headers["Name"]["href"]
    assert headers["Tier now"]["sort"] == "" and "sort=tier" in headers["Tier now"]["href"]
    assert headers["Department"]["href"] == ""
    assert 'aria-sort="ascending"' in response.content.decode()


def test_pages_of_fifty_with_links_and_the_total(as_a, org):
    role = org.staff["Rosalind Vexingham"].role
    for i in range(55):
        StaffFactory(
            display_name=f"Paged Person {i:02d}", department=org.studio, role=role, manager=org.a
        )
    first = fetch(as_a, "reports", sort="name")
    assert len(names_on(first)) == 50
    assert "Showing 1 to 50 of 64 people, name, A to Z." in page_text(first)
    assert [p.get("number") for p in first.context["people_pages"]] == [1, 2]
    assert "page=2" in first.context["people_next"] and "sort=name" in first.context["people_next"]
    second = fetch(as_a, "reports", sort="name", page=2)
    assert len(names_on(second)) == 14
    assert "Showing 51 to 64 of 64 people" in page_text(second)
    assert set(names_on(first)).isdisjoint(names_on(second))
    # A page past the last shows the last; nonsense shows the first; a sort we do not offer
    # falls back to the default.
    assert names_on(fetch(as_a, "reports", sort="name", page=99)) == names_on(second)
    assert names_on(fetch(as_a, "reports", sort="name", page="x")) == names_on(first)
    assert fetch(as_a, "reports", sort="email").context["people"].query.sort == "target"


def test_leaders_get_no_people_table(client, leader_user, org):
    client.force_login(leader_user)
    response = fetch(client, "reports", q="kettle")
    assert "people" not in response.context
    assert "Send a reminder" not in page_text(response)


# The people table's page costs a fixed number of queries


PEOPLE_PAGE_QUERIES = 26  # the manager's dashboard (25, with the last activity and the audit
# log's entry for a page that names people) and the search


def test_the_people_table_page_makes_a_fixed_number_of_queries(
    as_a, org, django_assert_num_queries
):
    params = {"q": "o", "sort": "-activity", "page": 2}
    assert fetch(as_a, "reports", **params).status_code == 200  # warm up
    with django_assert_num_queries(PEOPLE_PAGE_QUERIES):
        assert fetch(as_a, "reports", **params).status_code == 200
    role = org.staff["Rosalind Vexingham"].role
    for i in range(60):
        person = StaffFactory(
            display_name=f"More Person {i:02d}", department=org.studio, role=role, manager=org.a
        )
        event(person, timezone.now() - timedelta(days=i))
    fetch(as_a, "reports", **params)  # the frames are read again once
    with django_assert_num_queries(PEOPLE_PAGE_QUERIES):
        response = fetch(as_a, "reports", **params)
    assert len(names_on(response)) > 10


# The reminder


def test_a_manager_queues_one_reminder_a_week_per_person(as_a, org):
    response = remind(as_a)
    assert response.status_code == 302
    followed = as_a.get(response["Location"])
    assert "5 reminders queued" in page_text(followed)
    assert sorted(TargetReminder.objects.values_list("staff__display_name", flat=True)) == sorted(
        NOT_AT_TARGET
    )
    assert not delivered()  # nothing is sent in the request
    again = as_a.get(remind(as_a)["Location"])
    assert "No reminder queued; 5 people were already reminded this week" in page_text(again)
    assert TargetReminder.objects.count() == 5


def test_the_manager_above_cannot_remind_anyone_twice_in_a_week(as_a, org):
    remind(as_a, q="kettle")  # only the people matching the search
    assert list(TargetReminder.objects.values_list("staff__display_name", flat=True)) == [
        "Thaddeus Kettleworth"
    ]
    client = Client()
    client.force_login(org.c.user)
    response = client.post(reverse("reports_remind"), {"line": org.a.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = page_text(response)
    assert "No reminder queued" not in text
    assert '<p class="notice" role="status" data-swap-focus>' in response.content.decode()
    assert "4 reminders queued" in text and "1 person was already reminded this week" in text


def test_a_new_week_queues_again(org):
    person = org.staff["Ignatius Wolvane"]
    now = timezone.now()
    assert (
        target_reminders_queue(staff_ids=[person.pk], requested_by=org.a.user, now=now).queued == 1
    )
    later = target_reminders_queue(staff_ids=[person.pk], requested_by=org.c.user, now=now)
    assert (later.queued, later.skipped) == (0, 1)
    next_week = target_reminders_queue(
        staff_ids=[person.pk], requested_by=org.c.user, now=now + timedelta(days=7)
    )
    assert next_week.queued == 1


def test_a_leader_without_names_gets_403(client, leader_user, org):
    client.force_login(leader_user)
    assert remind(client).status_code == 403
    assert remind(client, line=org.a.pk).status_code == 403
    assert not TargetReminder.objects.exists()


def test_staff_without_reports_get_403_and_other_lines_404(staff_user, as_a, org):
    other = Client()
    other.force_login(staff_user)
    assert remind(other).status_code == 403
    assert remind(as_a, line=org.b.pk).status_code == 404  # like every report URL outside
    assert not TargetReminder.objects.exists()


def test_the_reminder_needs_a_post_with_its_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.a.user)
    assert client.get(reverse("reports_remind")).status_code == 405
    assert client.post(reverse("reports_remind")).status_code == 403
    assert not TargetReminder.objects.exists()
    page = client.get(reverse("reports"))
    token = page.context["csrf_token"]
    assert client.post(reverse("reports_remind"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert TargetReminder.objects.count() == 5


def test_a_community_manager_may_remind_anyone(client, community_manager, org):
    client.force_login(community_manager)
    response = remind(client, line=org.b.pk)
    assert response.status_code == 302
    assert TargetReminder.objects.count() > 0


# The sweep


def test_the_sweep_sends_each_reminder_once(as_a, org, settings):
    settings.TIME_ZONE = "UTC"
    person = org.staff["Ignatius Wolvane"]
    person.display_name = "Ignatius O'Wolvane & Co"  # plain text: nothing escaped
    person.user = UserFactory()
    person.save()
    Preferences.objects.create(user=person.user, time_zone="Pacific/Auckland")
    asked = timezone.now().replace(hour=22, minute=30, second=0, microsecond=0)
    target_reminders_queue(
        staff_ids=[s.pk for n, s in org.staff.items() if n in NOT_AT_TARGET],
        requested_by=org.a.user,
        now=asked,
    )
    assert target_reminders_send() == 5
    assert target_reminders_send() == 0  # run twice: nothing more
    assert len(delivered()) == 5
    assert TargetReminder.objects.filter(sent_at__isnull=True).count() == 0
    email = next(m for m in delivered() if m.to == [person.email])
    assert "Hello Ignatius O'Wolvane & Co," in email.body
    assert "Amara Linfordshire asked us" in email.body
    assert "the Aware tier" in email.body
    local = timezone.localtime(asked, timezone=zoneinfo.ZoneInfo("Pacific/Auckland"))
    assert f"at {local:%H:%M}" in email.body  # the reader's own time
    assert reverse("my_path") in email.body


def test_a_reminder_claimed_elsewhere_is_not_sent_again(org):
    person = org.staff["Ignatius Wolvane"]
    target_reminders_queue(staff_ids=[person.pk], requested_by=org.a.user)
    TargetReminder.objects.update(claimed_at=timezone.now())  # another worker has it
    assert target_reminders_send() == 0
    assert not delivered()


def test_someone_who_left_is_not_sent_a_reminder(org):
    person = org.staff["Ignatius Wolvane"]
    target_reminders_queue(staff_ids=[person.pk], requested_by=org.a.user)
    person.active = False
    person.save()
    assert target_reminders_send() == 0
    assert TargetReminder.objects.get().claimed_at is not None
