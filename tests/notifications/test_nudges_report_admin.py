"""Nudges (issue 23): the adoption report's section (sent, clicked, the step, by channel, with
the report's suppression) and the admin's list and form (placeholders checked in words, the
audit log); the periodic task."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.bulk import Item, notify_many
from notifications.content import Content
from notifications.models import Notification, NudgeRule
from notifications.nudges import (
    nudge_rules,
    nudges_evaluate,
    registry,
    wording_fill,
    wording_problems,
)
from notifications.reports import nudges_table
from portal.audit.models import AuditEntry
from portal.factories import RoleFactory
from portal.models import Staff
from portal.outbox.models import Message
from portal.reports.tables import SUPPRESSED
from tests.notifications.nudging import NOW, did, one_steps, person, switch_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_frames")]


# The report ------------------------------------------------------------------------------


@pytest.fixture
def nudged(client, tiers, place):
    """Six people nudged towards the video by email; three clicked, two watched it within 7
    days, one only after 8; two people got the FAQ nudge, one read the entry."""
    people = one_steps(tiers, place, 6)
    switch_on("informed_one_step", channels=["email"])
    nudges_evaluate(now=NOW)
    for who in people[:3]:
        message = Message.objects.get(user=who.user)
        go = re.search(r"http://[^/]+(/notifications/go/[^/]+/)", message.body).group(1)
        assert client.get(go).status_code == 302
    did(people[:2], [("wiifm_watched", "")], at=NOW + timedelta(days=3))
    did(people[2:3], [("wiifm_watched", "")], at=NOW + timedelta(days=8))
    readers = [person(place, RoleFactory()) for _ in range(2)]
    content = Content(kind="nudges.faq_new_for_role", title="New", text="Read it.", url="/faq/")
    notify_many(
        kind="nudges.faq_new_for_role",
        items=[Item(p.user_id, f"faq:{p.pk}", content, subject="41") for p in readers],
        now=NOW,
        nudge="faq_new_for_role",
    )
    did(readers[:1], [("faq_viewed", "41")], at=NOW + timedelta(hours=1))
    did(readers[1:], [("faq_viewed", "42")], at=NOW + timedelta(hours=1))  # another entry
    return people, readers


def test_the_report_counts_sent_clicked_and_the_step_by_nudge_and_channel(nudged):
    table = nudges_table(
        people=Staff.objects.filter(active=True),
        since=NOW - timedelta(days=28),
        now=NOW + timedelta(days=10),
        whole_organisation=True,
    )
    label = registry["informed_one_step"].label
    faq = registry["faq_new_for_role"].label
    S = SUPPRESSED
    assert [list(row) for row in table.rows] == [
        [label, "In the portal", 6, 0, 0.0, 2, 2 / 6],
        [label, "Email", 6, 3, 0.5, 2, 2 / 6],  # the third watched after 8 days
        [faq, "In the portal", S, S, S, S, S],  # 2 people: withheld
        [faq, "Email", S, S, S, S, S],
    ]
    assert "Took the step within 7 days" in [c.label for c in table.columns]


def test_a_withheld_channel_withholds_every_row_of_its_nudge(nudged, slack_server):
    people, _ = nudged
    # Two of the six also had it by Slack: that row is about 2 people, so the inbox and email
    # rows (6 each) go too, or Slack's could be worked out from them.
    for who in people[:2]:
        Message.objects.create(
            key=f"{Notification.objects.get(user=who.user).key}:slack",
            kind="nudges.informed_one_step",
            channel="slack",
            to=who.user.email,
            subject="x",
            user=who.user,
            next_attempt_at=NOW,
        )
    table = nudges_table(
        people=Staff.objects.filter(active=True),
        since=NOW - timedelta(days=28),
        now=NOW + timedelta(days=10),
        whole_organisation=True,
    )
    informed = [r for r in table.rows if r[0] == registry["informed_one_step"].label]
    assert [r[1] for r in informed] == ["In the portal", "Email", "Slack"]
    assert all(cell is SUPPRESSED for row in informed for cell in row[2:])


def test_the_team_nudge_has_no_step_and_the_report_is_only_about_people_in_view(nudged, place):
    people, readers = nudged
    bosses = [person(place, RoleFactory()) for _ in range(5)]
    content = Content(kind="nudges.team_passed_25", title="Passed", text="25 %", url="/reports/")
    notify_many(
        kind="nudges.team_passed_25",
        items=[Item(p.user_id, f"team:{p.pk}", content, subject="25") for p in bosses],
        now=NOW,
        nudge="team_passed_25",
    )
    only_bosses = Staff.objects.filter(pk__in=[b.pk for b in bosses])
    table = nudges_table(
        people=only_bosses,
        since=NOW - timedelta(days=1),
        now=NOW + timedelta(days=1),
        whole_organisation=False,
    )
    label = registry["team_passed_25"].label
    assert [list(r) for r in table.rows] == [
        [label, "In the portal", 5, 0, 0.0, None, None],
        [label, "Email", 5, 0, 0.0, None, None],
    ]
    nobody = Staff.objects.filter(pk__in=[readers[0].pk])
    assert (
        nudges_table(
            people=nobody,
            since=NOW + timedelta(days=1),
            now=NOW + timedelta(days=2),
            whole_organisation=False,
        )
        is None
    )


def test_the_section_is_in_the_adoption_report_for_leaders(nudged, leader_user):
    from django.http import QueryDict

    from portal.reports.scope import report_scope
    from portal.reports.selectors import adoption_report

    people, _ = nudged
    whole = report_scope(user=leader_user, staff=None, params=QueryDict("period=4w"))
    [table] = [
        t
        for t in adoption_report(scope=whole, now=NOW + timedelta(days=10)).extra
        if t.key == "nudges"
    ]
    assert table.published and table.rows[1][2] == 6
    department = people[0].department_id
    filtered = report_scope(
        user=leader_user, staff=None, params=QueryDict(f"period=4w&department={department}")
    )
    adoption = adoption_report(scope=filtered, now=NOW + timedelta(days=10))
    [table] = [t for t in adoption.extra if t.key == "nudges"]
    # about some of the people in view: a report that names no one shows it whole only
    assert not table.published or all(
        cell is SUPPRESSED or cell is None for row in table.rows for cell in row[2:]
    )


# The admin -------------------------------------------------------------------------------


def test_the_admin_lists_each_nudge_with_its_sent_count(client, community_manager, tiers, place):
    one_steps(tiers, place, 2, at=timezone.now() - timedelta(days=2))
    switch_on("informed_one_step", channels=["email"])
    nudges_evaluate(now=timezone.now())
    client.force_login(community_manager)
    response = client.get(reverse("notifications_nudges:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for nudge in registry.values():
        assert nudge.label.replace("'", "&#x27;") in page
    assert NudgeRule.objects.count() == len(registry)
    informed = NudgeRule.objects.get(type="informed_one_step")
    [listed] = [r for r in response.context["object_list"] if r.pk == informed.pk]
    assert listed.sent_30 == 2


def test_only_those_who_run_the_programme_see_the_nudges(client, leader_user, staff_user):
    rule = nudge_rules()[0]
    for user in (leader_user, staff_user):
        client.force_login(user)
        for url in (
            reverse("notifications_nudges:index"),
            reverse("notifications_nudges:edit", args=[rule.pk]),
        ):
            assert client.get(url).status_code in (302, 403), (user, url)


def _form(**values):
    return {
        "enabled": "on",
        "title": "One step from {tier}",
        "text": "Hi {first_name}, {minutes} minutes.",
        "every_days": "7",
        "channels": ["email"],
    } | values


@pytest.mark.parametrize(
    ("field", "words", "said"),
    [
        ("title", "Hi {first_nam}", "{first_nam} is not something this nudge can fill in"),
        ("text", "{first_name.__class__}", "{first_name.__class__} is not something"),
        ("text", "{minutes:>20}", "{minutes:>20} is not something"),
        ("text", "{question}", "{question} is not something"),  # another nudge's
        ("title", "Braces { left open", "A brace is opened and not closed"),
        ("text", "", "This field is required"),
    ],
)
def test_the_form_refuses_a_placeholder_in_words(client, community_manager, field, words, said):
    rule = next(r for r in nudge_rules() if r.type == "informed_one_step")
    client.force_login(community_manager)
    url = reverse("notifications_nudges:edit", args=[rule.pk])
    response = client.post(url, _form(**{field: words}))
    assert response.status_code == 200
    assert said in html.unescape(response.content.decode())
    rule.refresh_from_db()
    assert not rule.enabled  # nothing saved


def test_the_form_saves_good_words_and_lists_the_placeholders(client, community_manager):
    rule = next(r for r in nudge_rules() if r.type == "informed_one_step")
    client.force_login(community_manager)
    url = reverse("notifications_nudges:edit", args=[rule.pk])
    page = client.get(url).content.decode()
    assert "{minutes}" in page and "{tier}" in page and "{first_name}" in page
    response = client.post(url, _form(text="{{Hi}} {first_name}: {minutes} minutes to {tier}."))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.enabled, rule.every_days, rule.channels) == (True, 7, ["email"])
    entry = AuditEntry.objects.get(action="nudge.changed")  # free text stays out of the log
    assert entry.actor == community_manager
    assert entry.detail == {
        "enabled": [False, True],
        "channels": [[], ["email"]],
        "title": "changed",
        "text": "changed",
    }
    assert wording_fill(rule.text, {"first_name": "Ada", "minutes": "4", "tier": "Informed"}) == (
        "{Hi} Ada: 4 minutes to Informed."
    )


def test_wording_is_filled_in_only_where_it_says_so():
    assert wording_problems("Hi {first_name}", ["first_name"]) == []
    assert wording_fill("Hi {first_name}", {"first_name": "{question} {{x}}"}) == (
        "Hi {question} {{x}}"  # a value is never read as a placeholder
    )
    assert wording_problems("{} and {0}", ["first_name"]) == [
        "{} is not something this nudge can fill in. It knows {first_name}.",
        "{0} is not something this nudge can fill in. It knows {first_name}.",
    ]


def test_the_periodic_task_evaluates_the_nudges(settings, tiers, place):
    from notifications.tasks import nudges_evaluate as task

    one_steps(tiers, place, at=timezone.now() - timedelta(days=2))
    switch_on("informed_one_step")
    assert task.apply().get() == {"informed_one_step": 1}
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-nudges"]
    assert (entry["task"], entry["schedule"]) == ("notifications.tasks.nudges_evaluate", 900.0)
