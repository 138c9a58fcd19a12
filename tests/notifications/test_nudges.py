"""Nudges (issue 23): each type finds exactly the people it is for, set-wise in a fixed number of
queries; `notify_many` sends like `notify` (channels, quiet hours, digest, tracked links,
List-Unsubscribe) once per key and once per interval; Slack's "Not now"; unsubscribing from
one nudge stops exactly that one; the report's section and its suppression; the admin form."""

import html
import itertools
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from threading import Barrier
from urllib.parse import urlencode

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from faq.factories import FAQCategoryPageFactory, FAQEntryPageFactory, FAQIndexPageFactory
from faq.models import FAQEntryPage, FAQIndexPage
from notifications import kinds, links
from notifications.bulk import Item, notify_many
from notifications.content import Action, Content
from notifications.models import Choice, KindDefault, Notification, NudgeRule, Settings
from notifications.nudge_candidates import (
    faq_new_for_role,
    informed_one_step,
    team_passed,
    wave_started,
)
from notifications.nudges import (
    Check,
    nudge_rules,
    nudges_evaluate,
    registry,
    wording_fill,
    wording_problems,
)
from notifications.reports import nudges_table
from notifications.services import channels_for, notify, unsubscribe
from portal.accounts.zones import time_zone_set
from portal.audit.models import AuditEntry
from portal.factories import (
    DepartmentFactory,
    LocationFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from portal.models import HomePage, Role, Staff
from portal.outbox.models import Message
from portal.reports.frames import frames_forget
from portal.reports.tables import SUPPRESSED
from portal.rollout.models import Wave, WaveMember
from portal.tiers.models import EngagementEvent, Requirement, Tier, TierAttainment
from portal.tiers.services import tier_attainments_recompute
from tests.peers.slack import signed_headers

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
_keys = itertools.count()
AWARE = [("faq_viewed", f"entry-{n}") for n in range(5)] + [("policy_acknowledged", "v1")]


@pytest.fixture(autouse=True)
def _fresh_frames():
    frames_forget()  # the reports' frames are kept per process; a rolled-back test reuses ids
    yield
    frames_forget()


@pytest.fixture
def tiers():
    return {t.name: t for t in Tier.objects.all()}


@pytest.fixture
def place():
    return {"department": DepartmentFactory(), "location": LocationFactory()}


def person(place, role, *, user=True, active=True, manager=None, name=None, start=None):
    return StaffFactory(
        role=role,
        user=UserFactory() if user else None,
        active=active,
        manager=manager,
        start_date=start,
        **({"display_name": name} if name else {}),
        **place,
    )


def did(people, plan, *, at=NOW - timedelta(days=2)):
    """Each person did each (kind, subject) of `plan` at `at` (bulk, as the seeder writes)."""
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            staff=p,
            kind=kind,
            subject=subject,
            occurred_at=at,
            source="test",
            idempotency_key=f"nudge-test:{next(_keys)}",
        )
        for p in people
        for kind, subject in plan
    )


def switch_on(key, **fields):
    nudge_rules()
    NudgeRule.objects.filter(type=key).update(enabled=True, **fields)
    return NudgeRule.objects.get(type=key)


def check(now, since):
    """An evaluation at `now` after one at `since`, by a nudge nobody has had yet."""
    return Check.of(nudge="", now=now, since=since, every_days=7)


def users(candidates):
    return sorted(c.user_id for c in candidates)


# Who each nudge is for ---------------------------------------------------------------------


@pytest.fixture
def aware_people(tiers, place):
    """Who informed_one_step must and must not find."""
    wants_informed = RoleFactory(name="Seller", target_tier=tiers["Trained"])
    aware_only = RoleFactory(name="Back office", target_tier=tiers["Aware"])
    people = {
        "one_step": person(place, wants_informed),
        "watched": person(place, wants_informed),
        "half_aware": person(place, wants_informed),
        "target_aware": person(place, aware_only),
        "left": person(place, wants_informed, active=False),
        "no_account": person(place, wants_informed, user=False),
        "no_role": person(place, None),
    }
    did([p for k, p in people.items() if k != "half_aware"], AWARE)
    did([people["half_aware"]], AWARE[:3])
    did([people["watched"]], [("wiifm_watched", "")])
    tier_attainments_recompute()
    return people


def test_informed_one_step_is_the_people_at_aware_whose_only_gap_is_the_video(aware_people):
    found = informed_one_step(check(NOW, NOW - timedelta(minutes=15)))
    assert users(found) == [aware_people["one_step"].user_id]
    [one] = found
    assert one.context["tier"] == "Informed"
    assert one.context["minutes"] == "7"  # no WIIFM lesson published: the longest allowed
    assert one.context["first_name"] == aware_people["one_step"].display_name.split()[0]


def test_informed_one_step_needs_every_other_requirement_of_the_tier(aware_people, tiers):
    other = StaffFactory(
        role=aware_people["one_step"].role, user=UserFactory(), **_place_of(aware_people)
    )
    did([other], AWARE)
    Requirement.objects.create(tier=tiers["Informed"], event_kind="quiz_passed", min_count=1)
    did([other], [("quiz_passed", "")])
    tier_attainments_recompute()
    # `one_step` now misses the check as well as the video; `other` misses only the video
    assert users(informed_one_step(check(NOW, NOW))) == [other.user_id]


def test_informed_one_step_links_to_the_wiifm_video_with_its_length(aware_people):
    from training import factories as f

    lesson = f.lesson_make(module=f.module_make(), body=[f.wiifm_block(f.video_make())])
    [one] = informed_one_step(check(NOW, NOW))
    assert one.context["path"] == f"{lesson.url}#video-{f.block_id(lesson, 'wiifm_video')}"
    assert one.context["minutes"] == "1"  # the demo clip is 40 seconds


def _place_of(people):
    sample = next(iter(people.values()))
    return {"department": sample.department, "location": sample.location}


@pytest.fixture
def faq_people(place):
    seller, support = RoleFactory(name="Seller"), RoleFactory(name="Support")
    category = FAQCategoryPageFactory(parent=FAQIndexPageFactory(parent=HomePage.objects.get()))
    new = FAQEntryPageFactory(
        parent=category, title="How do I quote a customer?", audiences=[seller]
    )
    old = FAQEntryPageFactory(parent=category, title="Old news?", audiences=[seller, support])
    for_all = FAQEntryPageFactory(parent=category, title="For everyone?")
    FAQEntryPageFactory._meta.model.objects.filter(pk=new.pk).update(
        first_published_at=NOW - timedelta(hours=3)
    )
    FAQEntryPageFactory._meta.model.objects.filter(pk=old.pk).update(
        first_published_at=NOW - timedelta(days=3)
    )
    FAQEntryPageFactory._meta.model.objects.filter(pk=for_all.pk).update(
        first_published_at=NOW - timedelta(hours=1)
    )
    people = {
        "seller": person(place, seller),
        "seller_read_it": person(place, seller),
        "support": person(place, support),
        "seller_left": person(place, seller, active=False),
    }
    did([people["seller_read_it"]], [("faq_viewed", str(new.pk))])
    return people, new


def test_faq_new_for_role_is_its_role_who_have_not_read_it(faq_people):
    people, entry = faq_people
    found = faq_new_for_role(check(NOW, NOW - timedelta(days=1)))
    assert users(found) == [people["seller"].user_id]
    [one] = found
    assert one.subject == str(entry.pk)
    assert one.context["question"] == "How do I quote a customer?"
    assert one.context["path"] == entry.url


def test_faq_new_for_role_looks_only_at_what_was_published_since_the_last_check(faq_people):
    people, _ = faq_people
    # published 3 hours ago: new to a check after one 4 hours ago (less 15 minutes' overlap)
    assert users(faq_new_for_role(check(NOW, NOW - timedelta(hours=3)))) == [
        people["seller"].user_id
    ]
    assert faq_new_for_role(check(NOW, NOW - timedelta(hours=2, minutes=30))) == []
    assert faq_new_for_role(check(NOW + timedelta(days=1), NOW)) == []  # a day at most


@pytest.fixture
def teams(tiers, place):
    """Three managers: Ada's line (10 people, one reaches Aware after the last check: 20 % to
    30 %), Bo's (4 people: too few to talk about), Cy's (10 people, already past 25 %)."""
    role = RoleFactory(name="Agent", target_tier=tiers["Aware"])
    managers = {name: person(place, role, name=f"{name} Boss") for name in ("Ada", "Bo", "Cy")}
    lines = {
        "Ada": [person(place, role, manager=managers["Ada"]) for _ in range(10)],
        "Bo": [person(place, role, manager=managers["Bo"]) for _ in range(4)],
        "Cy": [person(place, role, manager=managers["Cy"]) for _ in range(10)],
    }
    # A second level: two of Ada's people are under her first report (still her line)
    for p in lines["Ada"][8:]:
        p.manager = lines["Ada"][0]
        p.save(update_fields=["manager"])
    early, late = NOW - timedelta(days=3), NOW - timedelta(minutes=5)
    reached = {
        "Ada": [early, early, late],  # 2/10 at the last check, 3/10 now (one at depth 2)
        "Bo": [early, late, late],  # 25 % to 75 %, but a line of 4
        "Cy": [early, early, early, late],  # 30 % to 40 %
    }
    TierAttainment.objects.bulk_create(
        TierAttainment(staff=p, tier=tiers["Aware"], reached_at=at)
        for name, times in reached.items()
        for p, at in zip(lines[name][-len(times) :], times, strict=True)
    )
    return managers, lines


def test_team_passed_is_managers_whose_line_passed_a_threshold_since_the_last_check(teams):
    managers, _ = teams
    found = team_passed(check(NOW, NOW - timedelta(minutes=15)))
    assert users(found) == [managers["Ada"].user_id]
    [one] = found
    assert (one.subject, one.context["percent"], one.context["first_name"]) == ("25", "25", "Ada")
    assert one.context["path"] == reverse("reports")


def test_team_passed_counts_the_highest_threshold_and_nothing_after(teams):
    managers, _ = teams
    # From before anyone reached it: Ada 0 -> 30 %, Cy 0 -> 40 %: both passed 25 %
    found = team_passed(check(NOW, NOW - timedelta(days=5)))
    assert users(found) == sorted([managers["Ada"].user_id, managers["Cy"].user_id])
    assert team_passed(check(NOW + timedelta(minutes=15), NOW)) == []  # nothing moved since


def test_team_passed_respects_the_report_minimum(teams, settings):
    managers, _ = teams
    settings.REPORT_MIN_GROUP = 11  # Ada's and Cy's lines are 10 (Ada's first report: 2)
    assert team_passed(check(NOW, NOW - timedelta(days=5))) == []
    settings.REPORT_MIN_GROUP = 4  # Bo's line of 4 now counts: 25 % -> 75 % passes 50 and 75
    found = {c.user_id: c.subject for c in team_passed(check(NOW, NOW - timedelta(minutes=15)))}
    assert found[managers["Bo"].user_id] == "75"


@pytest.fixture
def waves(place):
    role = RoleFactory()
    started = Wave.objects.create(
        name="Pilot",
        starts_on=NOW.date(),
        sponsor_name="Rita Chief",
        sponsor_message="I am glad you are in.",
        started_at=NOW - timedelta(hours=2),
    )
    silent = Wave.objects.create(
        name="Quiet", starts_on=NOW.date(), started_at=NOW - timedelta(hours=2)
    )
    old = Wave.objects.create(
        name="Old",
        starts_on=NOW.date(),
        sponsor_message="Long ago.",
        started_at=NOW - timedelta(days=3),
    )
    people = {
        "member": person(place, role),
        "waitlisted": person(place, role),
        "no_account": person(place, role, user=False),
        "in_silent": person(place, role),
        "in_old": person(place, role),
    }
    rows = [
        (started, "member", "member"),
        (started, "waitlisted", "waitlisted"),
        (started, "no_account", "member"),
        (silent, "in_silent", "member"),
        (old, "in_old", "member"),
    ]
    for wave, who, status in rows:
        WaveMember.objects.create(wave=wave, staff=people[who], source="list", status=status)
    return people, started


def test_wave_started_is_the_members_of_a_wave_started_today_with_a_message(waves):
    people, wave = waves
    found = wave_started(check(NOW, NOW - timedelta(days=1)))
    assert users(found) == [people["member"].user_id]
    [one] = found
    assert one.subject == str(wave.pk)
    assert one.context["sponsor_name"] == "Rita Chief"
    assert one.context["sponsor_message"] == "I am glad you are in."


def test_wave_started_reads_again_only_who_joined_since_the_last_check(waves):
    people, wave = waves
    late = StaffFactory(role=people["member"].role, user=UserFactory(), **_place_of(people))
    WaveMember.objects.create(wave=wave, staff=late, source="list", status="member")
    WaveMember.objects.filter(wave=wave).exclude(staff=late).update(
        added_at=NOW - timedelta(days=3)
    )
    WaveMember.objects.filter(staff=late).update(added_at=NOW - timedelta(minutes=20))
    # the wave started 2 hours ago, before this check's window: only the newcomer is read
    assert users(wave_started(check(NOW, NOW - timedelta(minutes=10)))) == [late.user_id]
    assert users(wave_started(check(NOW, NOW - timedelta(hours=3)))) == sorted(
        [people["member"].user_id, late.user_id]
    )


# A fixed number of queries ------------------------------------------------------------------


def _population(n, tiers, place, *, at=NOW):
    """`n` new people for each nudge at `at`: sellers at Aware short of the video, in the role
    of an FAQ entry published 2 hours ago, members of a wave started an hour ago; and agents
    (whose target is Aware) in a new manager's line, half of whom reached it 5 minutes ago."""
    seller = Role.objects.filter(name="Seller").first() or RoleFactory(
        name="Seller", target_tier=tiers["Trained"]
    )
    agent = Role.objects.filter(name="Agent").first() or RoleFactory(
        name="Agent", target_tier=tiers["Aware"]
    )
    boss = person(place, agent, name=f"Boss {next(_keys)}")
    sellers = [person(place, seller) for _ in range(n)]
    agents = [person(place, agent, manager=boss) for _ in range(n)]
    did(sellers + agents, AWARE, at=at - timedelta(days=2))
    tier_attainments_recompute()
    TierAttainment.objects.filter(staff__in=agents[: n // 2]).update(
        reached_at=at - timedelta(minutes=5)
    )
    wave = Wave.objects.create(
        name=f"Wave {next(_keys)}",
        starts_on=at.date(),
        sponsor_message="Welcome.",
        started_at=at - timedelta(hours=1),
    )
    # the agents' wave started long ago, without a message: they count in the reports
    agents_wave = Wave.objects.filter(name="Agents").first() or Wave.objects.create(
        name="Agents", starts_on=NOW.date(), started_at=NOW - timedelta(days=30)
    )
    WaveMember.objects.bulk_create(
        [WaveMember(wave=wave, staff=p, source="list", status="member") for p in sellers]
        + [WaveMember(wave=agents_wave, staff=p, source="list", status="member") for p in agents]
    )
    index = FAQIndexPage.objects.first() or FAQIndexPageFactory(parent=HomePage.objects.get())
    entry = FAQEntryPageFactory(parent=FAQCategoryPageFactory(parent=index), audiences=[seller])
    FAQEntryPage.objects.filter(pk=entry.pk).update(first_published_at=at - timedelta(hours=2))
    return sellers


CANDIDATE_QUERIES = {
    # tiers, requirements, the people (attainments by subquery), the video requirement's
    # events; the live lessons (no WIIFM video among them), the training index's address
    informed_one_step: 6,
    # new entries, their roles, the people with whether each read each (addresses are cached)
    faq_new_for_role: 3,
    # the frames' state, people, waves?, periods; tiers, role targets, the manager tree; who of
    # the managers it found had it lately
    team_passed: 9,
    # the waves, their members
    wave_started: 2,
}


@pytest.mark.parametrize("find", [informed_one_step, faq_new_for_role, team_passed, wave_started])
def test_candidates_take_the_same_queries_for_10_and_100_people(
    find, tiers, place, django_assert_max_num_queries
):
    since = NOW - timedelta(hours=3)  # the entry (2 hours ago) and the wave (1) are new
    _population(10, tiers, place)
    find(check(NOW, since))  # what is cached across calls (page addresses) is cached from here
    counts, found = [], []
    for more in (0, 90):  # 10 people, then 100
        _population(more, tiers, place) if more else None
        frames_forget()  # a new process: the report's frames read again, as at worst
        with django_assert_max_num_queries(CANDIDATE_QUERIES[find]) as queries:
            found.append(len(find(check(NOW, since))))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # one manager, whatever the size of her line: the newest batch's (50 % -> 100 %; the
    # recompute put the earlier batch's attainments back at their events)
    assert found == ([1, 1] if find is team_passed else [10, 100])


# The rules; then per nudge: its candidates (above), and in its transaction (a savepoint
# here, and its release) the settings of everyone who set quiet hours or a digest, everyone's
# channels for its kind, its default channels, the highest notification id, the inbox rows,
# the new rows, the messages, the outbox's job (looked for; written by the first send of a
# transaction that has none); the rule's last check.
EVALUATE_QUERIES = 1 + sum(CANDIDATE_QUERIES.values()) + 4 * 11


def test_a_run_after_a_send_finds_nobody_it_nudged(tiers, place):
    for key in registry:
        switch_on(key)
    _population(10, tiers, place)
    assert nudges_evaluate(now=NOW) == {
        "faq_new_for_role": 10,
        "informed_one_step": 10,
        "team_passed_25": 1,
        "wave_started": 10,
    }
    later = NOW + timedelta(minutes=15)
    for key, nudge in registry.items():
        again = Check.of(nudge=key, now=later, since=NOW - timedelta(hours=3), every_days=7)
        assert nudge.candidates(again) == [], key
        assert nudge.candidates(check(later, NOW - timedelta(hours=3))), key  # others would


def test_evaluating_every_nudge_takes_the_same_queries_for_10_and_100_people(
    tiers, place, django_assert_max_num_queries
):
    for key in registry:
        switch_on(key)
    _population(10, tiers, place)
    nudges_evaluate(now=NOW)  # the caches warm; these 10 are not asked again for a week
    counts, sent = [], []
    for n, moment in ((100, NOW + timedelta(days=8)), (10, NOW + timedelta(days=16))):
        _population(n, tiers, place, at=moment)
        frames_forget()
        with django_assert_max_num_queries(EVALUATE_QUERIES) as queries:
            sent.append(nudges_evaluate(now=moment))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert sent == [
        {
            "informed_one_step": 110,
            "faq_new_for_role": 110,
            "team_passed_25": 1,
            "wave_started": 100,
        },
        {
            "informed_one_step": 120,
            "faq_new_for_role": 120,
            "team_passed_25": 1,
            "wave_started": 10,
        },
    ]


# Sending: like notify(), once ------------------------------------------------------------


def one_steps(tiers, place, n=1, *, at=NOW - timedelta(days=2), **options):
    """`n` people (with accounts) one step from Informed: Aware (since `at`), the video left."""
    role = Role.objects.filter(name="Seller").first() or RoleFactory(
        name="Seller", target_tier=tiers["Trained"]
    )
    people = [person(place, role, **options) for _ in range(n)]
    did(people, AWARE, at=at)
    tier_attainments_recompute()
    return people


def tokens_out(text):
    """A message with its signed tokens (per notification, per person) made comparable."""
    return re.sub(r"/notifications/(go|unsubscribe)/[^/\s>|\"]+/", r"/notifications/\1/T/", text)


def test_notify_many_sends_what_notify_sends(slack_server, teams_peer):
    kind = "nudges.informed_one_step"
    content = Content(
        kind=kind,
        title="One step from Informed: the 4-minute video",
        text="Hi Ada, the video is next.\n\nIt takes 4 minutes.",
        url="/training/welcome/#video-1",
        facts=(("Length", "4 minutes"),),
        actions=(Action("Watch the video", "/training/welcome/#video-1", primary=True),),
    )
    ada = UserFactory()
    Choice.objects.create(user=ada, kind=kind, channels=["email", "slack", "teams"])
    notify(user=ada, key="one", content=content, now=NOW)
    [new] = notify_many(kind=kind, items=[Item(ada.pk, "many", content)], now=NOW)

    assert new.key == "many" and Notification.objects.get(key="many").nudge == ""
    one = {m.channel: m for m in Message.objects.filter(key__startswith="one:")}
    many = {m.channel: m for m in Message.objects.filter(key__startswith="many:")}
    assert set(one) == set(many) == {"email", "slack", "teams"}
    for channel, message in one.items():
        other = many[channel]
        assert other.key == f"many:{channel}"
        assert (other.to, other.subject, other.kind, other.user_id) == (
            message.to,
            message.subject,
            message.kind,
            message.user_id,
        )
        assert (other.next_attempt_at, other.state) == (message.next_attempt_at, "pending")
        assert tokens_out(other.body) == tokens_out(message.body)
        assert {k: tokens_out(v) for k, v in other.headers.items()} == {
            k: tokens_out(v) for k, v in message.headers.items()
        }
        assert tokens_out(json.dumps(other.payload)) == tokens_out(json.dumps(message.payload))
    # each link counts for its own notification
    go = re.search(r"/notifications/go/([^/]+)/", many["email"].body).group(1)
    assert links.tracked_target(go) == (new.pk, "email", "/training/welcome/#video-1")


def test_notify_many_takes_the_channels_notify_would(slack_server, teams_peer):
    kind = kinds.kind_of("nudges.faq_new_for_role")
    KindDefault.objects.create(kind=kind.key, channels=["teams", "inbox"])
    chosen = [None, [], ["inbox"], ["slack"], ["email", "teams"], ["slack", "email"]]
    people = UserFactory.create_batch(len(chosen))
    for user, channels in zip(people, chosen, strict=True):
        if channels is not None:
            Choice.objects.create(user=user, kind=kind.key, channels=channels)
    content = Content(kind=kind.key, title="New in the FAQ", text="Read it.", url="/faq/")
    notify_many(kind=kind.key, items=[Item(u.pk, f"k:{u.pk}", content) for u in people], now=NOW)
    for user in people:
        sent = sorted(Message.objects.filter(user=user).values_list("channel", flat=True))
        assert sent == sorted(channels_for(user, kind)), user
    assert Notification.objects.count() == len(people)  # the inbox keeps every one


def test_a_rule_overrides_the_default_channels_but_not_a_persons_choice(slack_server):
    ada, bo = UserFactory.create_batch(2)
    Choice.objects.create(user=bo, kind="nudges.wave_started", channels=["slack"])
    content = Content(kind="nudges.wave_started", title="Welcome", text="Hello.")
    notify_many(
        kind="nudges.wave_started",
        items=[Item(u.pk, f"w:{u.pk}", content) for u in (ada, bo)],
        now=NOW,
        channels=["email"],
    )
    assert list(Message.objects.filter(user=ada).values_list("channel", flat=True)) == ["email"]
    assert list(Message.objects.filter(user=bo).values_list("channel", flat=True)) == ["slack"]


def test_quiet_hours_and_the_daily_digest_are_kept_by_bulk_sends(tiers, place):
    tokyo, digest, plain = one_steps(tiers, place, 3)
    for who in (tokyo, digest):
        time_zone_set(user=who.user, name="Asia/Tokyo")
    Settings.objects.create(user=tokyo.user, quiet_from=time(20), quiet_until=time(8))
    Settings.objects.create(user=digest.user, daily_digest=True, digest_time=time(8, 30))
    switch_on("informed_one_step", channels=["email"])

    assert nudges_evaluate(now=NOW)["informed_one_step"] == 3  # 12:00 UTC is 21:00 in Tokyo

    [held] = Message.objects.filter(user=tokyo.user)
    assert held.next_attempt_at == datetime(2027, 3, 10, 23, 0, tzinfo=UTC)  # 08:00 in Tokyo
    assert not Message.objects.filter(user=digest.user).exists()
    bundled = Notification.objects.get(user=digest.user)
    assert bundled.digest_at == datetime(2027, 3, 10, 23, 30, tzinfo=UTC)  # 08:30 in Tokyo
    [now_sent] = Message.objects.filter(user=plain.user)
    assert now_sent.next_attempt_at == NOW


def test_once_per_interval_however_often_it_runs(tiers, place):
    [ada] = one_steps(tiers, place)
    switch_on("informed_one_step", every_days=7, channels=["email"])
    moments = [NOW, NOW, NOW + timedelta(minutes=15), NOW + timedelta(days=7, minutes=-1)]
    assert [nudges_evaluate(now=m)["informed_one_step"] for m in moments] == [1, 0, 0, 0]
    [first] = Notification.objects.filter(user=ada.user)
    period = int(NOW.timestamp() // 86400) // 7
    assert first.key == f"nudges.informed_one_step:{ada.user_id}:{period}"
    assert (first.nudge, first.subject) == ("informed_one_step", "")
    assert Message.objects.filter(user=ada.user).count() == 1

    later = NOW + timedelta(days=7, minutes=1)  # the interval is over: once more
    assert nudges_evaluate(now=later)["informed_one_step"] == 1
    assert Notification.objects.filter(user=ada.user).count() == 2
    assert Message.objects.filter(user=ada.user).count() == 2
    assert NudgeRule.objects.get(type="informed_one_step").checked_at == later


def test_a_switched_off_nudge_and_one_with_broken_words_send_nothing(tiers, place):
    one_steps(tiers, place)
    nudge_rules()
    assert nudges_evaluate(now=NOW) == {}  # every nudge starts switched off
    switch_on("informed_one_step", title="One step from {tier.__class__}")  # not by the form
    assert nudges_evaluate(now=NOW) == {"informed_one_step": 0}
    assert not Notification.objects.exists()


def test_unsubscribing_from_one_nudge_stops_exactly_that_one(tiers, place, waves):
    people, _ = waves
    member, other = people["member"], people["in_silent"]
    did([member, other], AWARE)
    Staff.objects.filter(pk__in=[member.pk, other.pk]).update(
        role=RoleFactory(target_tier=tiers["Trained"])
    )
    tier_attainments_recompute()
    switch_on("informed_one_step", channels=["email"])
    switch_on("wave_started", channels=["email"])
    unsubscribe(user_id=member.user_id, kind="nudges.informed_one_step")

    assert nudges_evaluate(now=NOW) == {"informed_one_step": 2, "wave_started": 1}

    def sent(staff):
        return sorted(Message.objects.filter(user=staff.user).values_list("kind", flat=True))

    assert sent(member) == ["nudges.wave_started"]  # the one nudge stopped, the other not
    assert sent(other) == ["nudges.informed_one_step"]
    assert Notification.objects.filter(user=member.user).count() == 2  # the inbox keeps both


def test_the_unsubscribe_link_of_a_nudge_stops_that_nudge(client, tiers, place):
    [ada] = one_steps(tiers, place)
    switch_on("informed_one_step", channels=["email"])
    nudges_evaluate(now=NOW)
    [message] = Message.objects.filter(user=ada.user)
    address = message.headers["List-Unsubscribe"].strip("<>")
    assert "Stop these emails: " + address in message.body
    response = client.post(address, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert response.status_code == 200
    assert Choice.objects.get(user=ada.user).kind == "nudges.informed_one_step"

    nudges_evaluate(now=NOW + timedelta(days=8))
    assert Notification.objects.filter(user=ada.user).count() == 2
    assert Message.objects.filter(user=ada.user).count() == 1  # nothing more by email


SECRET = "nudge-signing-secret"


def test_slack_carries_not_now_which_marks_it_read(client, tiers, place, slack_server, settings):
    settings.SLACK_SIGNING_SECRET = SECRET
    ada, bo = one_steps(tiers, place, 2)
    slack_server.users[ada.user.email] = "U0ADA"
    Choice.objects.create(user=bo.user, kind="nudges.informed_one_step", channels=["email"])
    switch_on("informed_one_step")  # Slack by default, where Slack is connected
    nudges_evaluate(now=NOW)
    email = Message.objects.get(user=bo.user)
    assert "Not now" not in email.body and "Watch the video: " not in email.body
    [slack] = Message.objects.filter(user=ada.user)
    buttons = [e for b in slack.payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
    watch, not_now = buttons
    assert (watch["text"]["text"], watch["style"]) == ("Watch the video", "primary")
    assert "/notifications/go/" in watch["url"]
    notification = Notification.objects.get(user=ada.user)
    assert links.action_target(not_now["value"]) == (
        ada.user_id,
        "not_now",
        notification.key,
        notification.key,
    )

    payload = {
        "type": "block_actions",
        "trigger_id": "1.2",
        "response_url": slack_server.response_url("r1"),
        "actions": [{"type": "button", "action_id": "not_now", "value": not_now["value"]}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = client.post(
        reverse("notifications_slack_actions"),
        body,
        content_type="application/x-www-form-urlencoded",
        headers=signed_headers(body, secret=SECRET),
    )
    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert nudges_evaluate(now=NOW + timedelta(days=1))["informed_one_step"] == 0  # waits


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("apart", [timedelta(0), timedelta(seconds=1)])
def test_two_workers_at_once_send_each_person_once(apart):
    tiers = {t.name: t for t in Tier.objects.all()}
    place = {"department": DepartmentFactory(), "location": LocationFactory()}
    people = one_steps(tiers, place, 12)
    switch_on("informed_one_step", channels=["email"])
    start = Barrier(2)

    def worker(moment):
        start.wait()
        try:
            return nudges_evaluate(now=moment)["informed_one_step"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = list(pool.map(worker, [NOW, NOW + apart]))

    if apart:  # at the very same microsecond each counts the other's rows as its own too
        assert sum(sent) == len(people)
    assert Notification.objects.count() == len(people)
    assert Message.objects.filter(kind="nudges.informed_one_step").count() == len(people)
    assert sorted(Message.objects.values_list("user_id", flat=True)) == sorted(
        p.user_id for p in people
    )


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


def test_a_large_send_goes_a_chunk_to_a_transaction_and_a_cut_short_run_resumes(
    tiers, place, monkeypatch
):
    from notifications import nudges

    people = one_steps(tiers, place, 10)
    switch_on("informed_one_step", channels=["email"])
    monkeypatch.setattr(nudges, "SEND_CHUNK", 4)
    calls = []

    def cut_short(**options):
        if len(calls) == 1:
            raise RuntimeError("the worker died")
        calls.append(len(options["items"]))
        return notify_many(**options)

    monkeypatch.setattr(nudges, "notify_many", cut_short)
    with pytest.raises(RuntimeError):
        nudges_evaluate(now=NOW)
    assert Notification.objects.count() == Message.objects.count() == 4  # the first chunk
    assert NudgeRule.objects.get(type="informed_one_step").checked_at is None

    monkeypatch.setattr(nudges, "notify_many", notify_many)
    assert nudges_evaluate(now=NOW + timedelta(minutes=15)) == {"informed_one_step": 6}
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        p.user_id for p in people
    )
    assert Message.objects.count() == 10
