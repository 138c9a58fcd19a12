"""Incremental, bulk and a naive oracle agree on every tier period, for generated histories
(including requirements another kind ends, and people who leave and join again)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.factories import StaffFactory
from portal.models import EngagementEvent, Requirement, Tier, TierAttainment
from portal.tiers.services import engagement_record, tier_attainments_recompute
from tests.examples import examples

from . import oracle

T0 = datetime(2026, 3, 1, tzinfo=UTC)
KINDS = ["faq_viewed", "policy_acknowledged", "office_hours_attended", "community_contributed"]
# Joining and leaving the programme, drawn often enough that histories leave and re-join.
PROGRAMME = ["champion_joined", "champion_left"]
ENDINGS = ["", "", "champion_left", "policy_acknowledged"]

# Offsets: whole hours (every 24th lands exactly on a window edge), each plus a fraction of a
# second from the edges that rounding would get wrong.
HOUR = 3_600_000_000
offsets = st.builds(
    lambda hours, fraction: hours * HOUR + fraction,
    st.integers(0, 24 * 20),
    st.sampled_from([0, 0, 1, 499_999, 500_000, 999_999]),
)
an_event = st.tuples(
    st.sampled_from(KINDS + PROGRAMME * 2), st.sampled_from(["", "a", "b"]), offsets
)
a_requirement = st.tuples(
    st.sampled_from(KINDS + PROGRAMME[:1] * 2),
    st.sampled_from(["", "", "a"]),
    st.integers(1, 3),
    st.one_of(st.none(), st.integers(1, 4)),
    st.one_of(st.none(), st.just(1)),
    st.booleans(),  # count distinct subjects (only meaningful, and allowed, without a subject)
    st.sampled_from(ENDINGS),  # ended by this kind (never by the kind it counts)
)
a_programme = st.lists(st.lists(a_requirement, min_size=0, max_size=3), min_size=1, max_size=3)


def _set_up(programme):
    Tier.objects.all().delete()
    for order, requirements in enumerate(programme, start=1):
        tier = Tier.objects.create(order=order, name=f"Tier {order}")
        for kind, subject, count, window, group, distinct, ended_by in requirements:
            Requirement.objects.create(
                tier=tier,
                event_kind=kind,
                subject=subject,
                min_count=count,
                window_days=window,
                either_group=group,
                distinct_subjects=distinct and not subject,
                ended_by=ended_by if ended_by != kind else "",
            )


def _stored():
    return {
        (a.staff_id, a.tier.order, a.reached_at, a.lapsed_at)
        for a in TierAttainment.objects.select_related("tier")
    }


@pytest.mark.django_db
@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(programme=a_programme, histories=st.lists(st.lists(an_event, max_size=12), max_size=3))
def test_incremental_bulk_and_oracle_agree(
    django_capture_on_commit_callbacks, programme, histories
):
    EngagementEvent.objects.all().delete()
    _set_up(programme)
    people = [StaffFactory() for _ in histories]

    # Incremental: one event at a time, attainments updated after each commit.
    expected = set()
    for person, history in zip(people, histories, strict=True):
        events = [(kind, subject, T0 + timedelta(microseconds=us)) for kind, subject, us in history]
        for kind, subject, when in events:
            with django_capture_on_commit_callbacks(execute=True):
                engagement_record(
                    staff=person, kind=kind, subject=subject, occurred_at=when, source="test"
                )
        tiers = [(t.order, list(t.requirements.all())) for t in Tier.objects.all()]
        expected |= {(person.pk, *p) for p in oracle.periods(tiers, events)}
    incremental = _stored()

    # Bulk, from nothing.
    TierAttainment.objects.all().delete()
    tier_attainments_recompute()
    bulk = _stored()

    assert incremental == expected
    assert bulk == expected
