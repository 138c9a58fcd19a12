"""The rollout: filling waves, volunteering, starting a wave and inviting, and who counts in the
adoption reports before and after their wave starts (pulse checks: `test_pulse.py`)."""

from datetime import date, timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from portal.factories import DepartmentFactory, RoleFactory, StaffFactory, UserFactory
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_numbers
from portal.reports.tables import SUPPRESSED
from portal.rollout.models import Invitation, Wave, WaveMember, WaveRule
from portal.rollout.pulse import pulse_answer
from portal.rollout.selectors import wave_funnel
from portal.rollout.services import (
    RolloutError,
    invitations_send,
    wave_member_add,
    wave_member_move,
    wave_members_add_by_rules,
    wave_members_add_from_list,
    wave_save,
    wave_start,
    wave_volunteer,
)
from portal.tiers.models import Tier, TierAttainment
from tests.outbox import delivered

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales():
    return DepartmentFactory(name="Sales")


def _wave(name="Pilot", **kwargs):
    return Wave.objects.create(name=name, starts_on=date(2026, 11, 2), **kwargs)


def test_saving_a_wave_replaces_its_rules_and_refuses_bad_ones_in_words(sales):
    role = RoleFactory()
    wave = wave_save(wave=Wave(name="Pilot", starts_on=date(2026, 11, 2)), rules=[])
    wave_save(wave=wave, rules=[{"department": sales, "role": None}, {"role": role.pk}])
    rules = WaveRule.objects.filter(wave=wave).order_by("pk")
    assert [(r.department_id, r.role_id) for r in rules] == [(sales.pk, None), (None, role.pk)]

    refusals = {
        "Two rules are the same": [{"department": sales}, {"department": sales.pk}],
        "at most 3 rules": [{"role": role}] + [{"department": DepartmentFactory()} for _ in "abc"],
        "can only be a wave's one rule": [{"department": sales}, {}],
    }
    for words, rules in refusals.items():
        with pytest.raises(RolloutError, match=words) as refusal:
            wave_save(wave=Wave.objects.get(pk=wave.pk), rules=rules)
        assert refusal.value.field == "rules"
    assert WaveRule.objects.filter(wave=wave).count() == 2  # nothing half-written

    everyone = wave_save(wave=wave, rules=[{}])  # alone, a rule for everyone is a plan
    assert [str(r) for r in WaveRule.objects.filter(wave=everyone)] == ["everyone"]


def test_saving_a_copy_loaded_before_the_wave_started_leaves_it_started():
    wave = _wave()
    stale = Wave.objects.get(pk=wave.pk)
    wave_start(wave=wave)
    stale.name = "Renamed"
    wave_save(wave=stale, rules=[])
    wave.refresh_from_db()
    assert wave.name == "Renamed" and wave.started_at is not None


def test_rules_add_everyone_active_who_matches_and_only_once(sales):
    other = DepartmentFactory(name="Finance")
    role = RoleFactory()
    in_sales = StaffFactory.create_batch(3, department=sales)
    StaffFactory(department=sales, active=False)
    sales_role = StaffFactory(department=other, role=role)
    StaffFactory(department=other)
    wave = _wave()
    WaveRule.objects.create(wave=wave, department=sales)
    WaveRule.objects.create(wave=wave, role=role)
    assert wave_members_add_by_rules(wave=wave).added == 4
    again = wave_members_add_by_rules(wave=wave)
    assert (again.added, again.already, again.elsewhere) == (0, 4, 0)
    assert set(wave.members.values_list("staff_id", flat=True)) == {
        *(p.pk for p in in_sales),
        sales_role.pk,
    }


def test_rules_add_only_people_in_no_wave_and_count_the_others(sales):
    """One person got three invitations when each wave's rules took everyone again."""
    people = StaffFactory.create_batch(52, department=sales)
    first, second = _wave("First"), _wave("Second")
    for person in people[:8]:
        WaveMember.objects.create(wave=first, staff=person, source="list")
    for person in people[8:12]:
        WaveMember.objects.create(wave=second, staff=person, source="volunteer")
    everyone = _wave("Everyone")
    WaveRule.objects.create(wave=everyone, department=sales)

    result = wave_members_add_by_rules(wave=everyone)

    assert (result.added, result.already, result.elsewhere) == (40, 0, 12)
    assert len(result.elsewhere_named) == 10  # up to ten named
    assert WaveMember.objects.filter(staff__in=people[:12], wave=everyone).count() == 0
    assert all(WaveMember.objects.filter(staff=p).count() == 1 for p in people)
    again = wave_members_add_by_rules(wave=everyone)
    assert (again.added, again.already, again.elsewhere) == (0, 40, 12)


def test_a_list_and_a_suggestion_leave_people_in_their_wave_and_say_where():
    ann = StaffFactory(display_name="Ann Lee", email="ann@example.com")
    bo = StaffFactory(email="bo@example.com")
    first, second = _wave("First"), _wave("Second")
    WaveMember.objects.create(wave=first, staff=ann, source="rule")

    result = wave_members_add_from_list(wave=second, data=b"ann@example.com\nbo@example.com\n")
    assert (result.added, result.elsewhere, result.elsewhere_named) == (
        1,
        1,
        [("Ann Lee", "First")],
    )
    suggested = wave_member_add(wave=second, staff=ann)
    assert (suggested.added, suggested.elsewhere_named) == (0, [("Ann Lee", "First")])
    assert list(ann.waves.values_list("wave__name", flat=True)) == ["First"]
    assert list(bo.waves.values_list("wave__name", flat=True)) == ["Second"]


def test_moving_someone_on_purpose_but_never_out_of_a_started_wave(
    sales, django_capture_on_commit_callbacks
):
    ann = StaffFactory(display_name="Ann Lee", department=sales)
    first, second = _wave("First"), _wave("Second")
    WaveMember.objects.create(wave=first, staff=ann, source="rule")

    wave_member_move(staff=ann, to=second)
    assert list(ann.waves.values_list("wave__name", flat=True)) == ["Second"]
    with pytest.raises(RolloutError, match="Ann Lee is in “Second” already."):
        wave_member_move(staff=ann, to=second)

    with django_capture_on_commit_callbacks(execute=True):
        wave_start(wave=second)
    with pytest.raises(RolloutError, match="was invited with “Second”, which started on"):
        wave_member_move(staff=ann, to=first)
    assert list(ann.waves.values_list("wave__name", flat=True)) == ["Second"]
    assert len(delivered()) == 1


def test_volunteering_from_another_wave_is_refused_with_its_day_not_its_name():
    person = StaffFactory()
    planned = Wave.objects.create(name="Internal label", starts_on=date(2027, 3, 2))
    WaveMember.objects.create(wave=planned, staff=person, source="rule")
    _wave("Open", open_to_volunteers=True)
    with pytest.raises(RolloutError) as refused:
        wave_volunteer(staff=person)
    assert str(refused.value) == (
        "You're already part of the rollout, in a group that starts on 2 March 2027: there is "
        "nothing to join."
    )
    assert "Internal label" not in str(refused.value)
    assert person.waves.count() == 1


def test_nobody_is_invited_twice_even_from_two_waves_of_before(
    sales, django_capture_on_commit_callbacks
):
    """Rows from before one-wave-a-person may hold someone in two waves: one invitation."""
    person, other = StaffFactory(department=sales), StaffFactory(department=sales)
    first, second = _wave("First"), _wave("Second")
    for wave in (first, second):
        WaveMember.objects.create(wave=wave, staff=person, source="rule")
    WaveMember.objects.create(wave=second, staff=other, source="rule")
    with django_capture_on_commit_callbacks(execute=True):
        assert wave_start(wave=first) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert wave_start(wave=second) == 1  # only the other person
    assert sorted(m.to[0] for m in delivered()) == sorted([person.email, other.email])


def test_an_uploaded_list_is_all_or_nothing_with_line_numbers():
    ann = StaffFactory(email="ann@example.com", employee_id="E1")
    bo = StaffFactory(email="bo@example.com", employee_id="E2")
    wave = _wave()
    bad = wave_members_add_from_list(
        wave=wave, data=b"email\nANN@example.com\n\nnobody@example.com\n"
    )
    assert bad.errors == ["Line 4: nobody active in the directory is “nobody@example.com”."]
    assert not wave.members.exists()
    good = wave_members_add_from_list(wave=wave, data=b"email\nANN@example.com\nE2,extra\n")
    assert (good.added, good.already, good.errors) == (2, 0, [])
    again = wave_members_add_from_list(wave=wave, data=b"e2\n")
    assert (again.added, again.already) == (0, 1)
    assert set(wave.members.values_list("staff_id", flat=True)) == {ann.pk, bo.pk}
    assert wave_members_add_from_list(wave=wave, data=b"\n\n").errors == [
        "The list is empty: put one work email or employee id per line."
    ]


def test_volunteering_past_the_size_limit_waitlists():
    wave = _wave(size_limit=2, open_to_volunteers=True)
    people = StaffFactory.create_batch(4)
    statuses = [wave_volunteer(staff=p).status for p in people]
    assert statuses == ["member", "member", "waitlisted", "waitlisted"]
    assert wave_volunteer(staff=people[0]).status == "member"  # asking again changes nothing
    assert wave.members.count() == 4


def test_volunteering_with_no_open_wave_says_so():
    _wave(open_to_volunteers=False)
    with pytest.raises(RolloutError, match="No wave is open to volunteers"):
        wave_volunteer(staff=StaffFactory())


def test_starting_a_wave_invites_each_member_once_however_often_the_task_runs(
    sales, django_capture_on_commit_callbacks
):
    wave = _wave(sponsor_name="Jordan Reyes", sponsor_message="We start small, with you.")
    members = StaffFactory.create_batch(3, department=sales)
    waiting = StaffFactory(department=sales)
    for person in members:
        wave_member_add(wave=wave, staff=person)
    WaveMember.objects.create(wave=wave, staff=waiting, source="volunteer", status="waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        assert wave_start(wave=wave) == 3  # the task runs inline (eager) on commit
    assert len(delivered()) == 3
    assert invitations_send(wave_id=wave.pk) == 0  # run again: nothing more
    assert sorted(m.to[0] for m in delivered()) == sorted(p.email for p in members)
    assert "We start small, with you." in delivered()[0].body
    assert "/accounts/welcome/" in delivered()[0].body  # no account yet: a sign-in link
    # The wave's name is the community managers' label: the email is in a person's words.
    assert delivered()[0].subject == "You're invited: our customer community"
    assert wave.name not in delivered()[0].subject + delivered()[0].body
    with pytest.raises(RolloutError, match="already started"):
        wave_start(wave=wave)
    late = StaffFactory(department=sales)
    with django_capture_on_commit_callbacks(execute=True):
        wave_member_add(wave=wave, staff=late)  # joining a wave under way: invited too
    assert Invitation.objects.filter(wave=wave).count() == 4 and len(delivered()) == 4


@pytest.mark.worker
def test_the_invitation_task_in_a_real_worker_sends_once(celery_worker, sales):
    from portal.tasks import rollout_invitations_send

    wave = _wave()
    for person in StaffFactory.create_batch(2, department=sales):
        wave_member_add(wave=wave, staff=person)
    Wave.objects.filter(pk=wave.pk).update(started_at=timezone.now())
    Invitation.objects.bulk_create(
        [Invitation(wave=wave, staff_id=m.staff_id) for m in wave.members.all()]
    )
    assert celery_worker.run(rollout_invitations_send, wave.pk) == 2
    assert celery_worker.run(rollout_invitations_send, wave.pk) == 0
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2


def test_people_in_a_wave_that_has_not_started_are_not_counted(sales, leader_user):
    """Once the programme is rolled out in waves, only invited people count in the shares."""
    aware = Tier.objects.get(order=1)
    role = RoleFactory(target_tier=aware)
    pilot, later = _wave("Pilot"), _wave("Wave 2")
    first = StaffFactory.create_batch(5, department=sales, role=role)
    second = StaffFactory.create_batch(5, department=sales, role=role)
    for person in first:
        wave_member_add(wave=pilot, staff=person)
    for person in second:
        wave_member_add(wave=later, staff=person)
    for person in (*first[:2], *second):  # the second wave already did the reading
        TierAttainment.objects.create(
            staff=person, tier=aware, reached_at=timezone.now() - timedelta(days=3)
        )

    def report():
        scope = report_scope(user=leader_user, staff=None, params=QueryDict())
        return adoption_numbers(scope=scope)

    wave_start(wave=pilot, now=timezone.now() - timedelta(days=10))
    before = report()
    headline = before.headline
    assert (headline.people, headline.with_target, headline.at_target) == (10, 5, 2)  # pilot
    # Cohorts are the waves now: the pilot's 2 of 5; the second wave is not invited yet.
    assert [row[:3] for row in before.cohorts.rows] == [
        ["Pilot", 5, 0.4],
        ["Not yet invited", 5, None],
    ]
    wave_start(wave=later)
    after = report()
    assert (after.headline.with_target, after.headline.at_target) == (10, 7)
    assert [row[:3] for row in after.cohorts.rows] == [["Pilot", 5, 0.4], ["Wave 2", 5, 1.0]]


def test_without_waves_everyone_counts(sales, leader_user):
    StaffFactory.create_batch(
        5, department=sales, role=RoleFactory(target_tier=Tier.objects.get(order=1))
    )
    scope = report_scope(user=leader_user, staff=None, params=QueryDict())
    assert adoption_numbers(scope=scope).headline.with_target == 5


def test_a_waves_funnel_counts_each_step(sales, django_capture_on_commit_callbacks):
    aware = Tier.objects.get(order=1)
    role = RoleFactory(target_tier=Tier.objects.get(order=2))
    wave = _wave()
    people = []
    for _ in range(6):
        people.append(StaffFactory(department=sales, role=role, user=UserFactory()))
        wave_member_add(wave=wave, staff=people[-1])
    with django_capture_on_commit_callbacks(execute=True):
        wave_start(wave=wave)
    now = timezone.now()
    for person in people[:4]:
        person.user.last_login = now
        person.user.save(update_fields=["last_login"])
    for person in people[:3]:
        TierAttainment.objects.create(staff=person, tier=aware, reached_at=now)
    TierAttainment.objects.create(staff=people[0], tier=Tier.objects.get(order=2), reached_at=now)
    rows = {row[0]: row[1:] for row in wave_funnel(wave=wave, now=now + timedelta(seconds=1)).rows}
    assert rows == {
        "Members": [6, 1.0],
        "Invited": [6, 1.0],
        "Signed in since": [4, 4 / 6],
        "Aware": [3, 0.5],
        "At their target tier": [1, 1 / 6],
    }


def test_a_small_waves_funnel_is_suppressed(sales):
    wave = _wave()
    for person in StaffFactory.create_batch(4, department=sales):
        wave_member_add(wave=wave, staff=person)
    assert all(row[1:] == [SUPPRESSED, SUPPRESSED] for row in wave_funnel(wave=wave).rows)


def test_required_training_is_due_from_the_day_the_wave_invited_them(sales):
    from training import factories as f
    from training.selectors import assignments_overdue, modules_state

    role = RoleFactory()
    module = f.module_make(assignments=[(role, 30)], assigned_days_ago=400)
    today = timezone.localdate()
    person = StaffFactory(role=role, department=sales, start_date=today - timedelta(days=300))
    assert [o.staff for o in assignments_overdue(today=today)] == [person]  # no waves: late

    wave = _wave()  # rolled out in waves: not due before their wave invites them
    wave_member_add(wave=wave, staff=person)
    assert assignments_overdue(today=today) == []
    assert modules_state(staff=person, modules=[module])[0].due_on is None
    wave_start(wave=wave, now=timezone.now() - timedelta(days=5))
    assert assignments_overdue(today=today) == []
    due = modules_state(staff=person, modules=[module])[0].due_on
    assert due == today - timedelta(days=5) + timedelta(days=30)


def test_the_adoption_report_shows_each_wave_and_the_pulse_for_the_whole_organisation(
    sales, leader_user
):
    from portal.reports.selectors import adoption_report

    wave = _wave()
    people = StaffFactory.create_batch(5, department=sales)
    for person in people:
        wave_member_add(wave=wave, staff=person)
    wave_start(wave=wave)
    for person in people:
        pulse_answer(staff=person, confidence=4, what_would_help="")

    def tables(params: str) -> dict:
        scope = report_scope(user=leader_user, staff=None, params=QueryDict(params))
        return {t.key: t for t in adoption_report(scope=scope).tables()}

    whole = tables("")
    assert whole["waves"].rows == [["Pilot", timezone.localdate(), 5, 0.0, 0.0, 0.0, 0.0]]
    assert whole["pulse_by_wave"].rows == [["Pilot", 5, 5, "4.0"]]
    filtered = tables(f"department={sales.pk}")
    assert "waves" in filtered and "pulse_by_wave" not in filtered  # answers carry no person
