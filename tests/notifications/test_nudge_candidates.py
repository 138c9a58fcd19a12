"""Nudges (issue 23): each type finds exactly the people it is for, set-wise, in a fixed number of
queries however many people there are."""

from datetime import timedelta

import pytest
from django.urls import reverse

from faq.factories import FAQCategoryPageFactory, FAQEntryPageFactory, FAQIndexPageFactory
from faq.models import FAQEntryPage, FAQIndexPage
from notifications.nudge_candidates import (
    faq_new_for_role,
    informed_one_step,
    team_passed,
    wave_started,
)
from notifications.nudges import Check, nudges_evaluate, registry
from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.models import HomePage, Role
from portal.reports.frames import frames_forget
from portal.rollout.models import Wave, WaveMember
from portal.tiers.models import Requirement, TierAttainment
from portal.tiers.services import tier_attainments_recompute
from tests.notifications.nudging import AWARE, NOW, check, did, person, serial, switch_on, users

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_frames")]


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
    boss = person(place, agent, name=f"Boss {next(serial)}")
    sellers = [person(place, seller) for _ in range(n)]
    agents = [person(place, agent, manager=boss) for _ in range(n)]
    did(sellers + agents, AWARE, at=at - timedelta(days=2))
    tier_attainments_recompute()
    TierAttainment.objects.filter(staff__in=agents[: n // 2]).update(
        reached_at=at - timedelta(minutes=5)
    )
    wave = Wave.objects.create(
        name=f"Wave {next(serial)}",
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
