"""The adoption report's numbers for the whole organisation, checked against a hand count
on the hand-built organisation of `handbuilt.py` (its docstring has the table of who is where)."""

from datetime import date

import pytest
from django.test import override_settings

from portal.factories import (
    StaffFactory,
)
from portal.reports.selectors import Headline
from portal.reports.tables import SUPPRESSED as S
from portal.tiers.models import Tier, TierAttainment

from .handbuilt import (
    TIER_COLUMNS,
    at,
    breakdown,
    report,
    rows,
)

# The whole organisation, as a leader sees it


def test_headline(org, leader_user):
    headline = report(leader_user).headline
    assert headline == Headline(
        people=21,  # 10 Sales + 6 Support + 4 Legal + 1 without a department; Vic Gone left
        with_target=19,  # 21 minus the two Contractors (Pia Lang, Tara Wynn)
        at_target=10,  # S1 S2 S3 S4 S10 U1 U3 L1 L2 N1
        share=10 / 19,
        # A week ago (11 Nov 12:00) all 19 had started (Jade Moss on 9 Nov); holding their
        # target then: S1 S2 S3 S10 (from her start) U2 (lapses 13 Nov) L1 L2 = 7.
        share_last_week=7 / 19,
        change=pytest.approx(3 / 19),  # 10/19 - 7/19
        reached_this_week=4,  # S4 (16 Nov), U1 (12 Nov), N1 (12 Nov), U3 (17 Nov)
        fell_below_this_week=1,  # Lea Voss: her Aware lapsed on 13 Nov
        # Support passed 25 % on 12 Nov (2 of 5); Sales passed both thresholds before 11 Nov.
        passed_this_week=["Support passed 25 %"],
    )


def test_trend_week_by_week(org, leader_user):
    trend = report(leader_user).trend
    assert [c.label for c in trend.columns] == [
        "Week ending",
        "People with a target",
        "At or above target",
        "Share at target",
    ]
    assert rows(trend) == [
        # 19 with a target, minus Jade Moss (starts 9 Nov) = 18; holding their target on 28 Oct
        # 12:00: S1 (14 Oct), S2 (21 Oct), U2 (until 13 Nov), L1 (1 Sep), L2 (1 Oct) = 5.
        [date(2026, 10, 28), 18, 5, 5 / 18],
        # + Cleo Park (Trained on 2 Nov) = 6 of 18.
        [date(2026, 11, 4), 18, 6, 6 / 18],
        # + Jade Moss, who started on 9 Nov (her Aware of 1 Nov counts from then) = 7 of 19.
        [date(2026, 11, 11), 19, 7, 7 / 19],
        # - Lea Voss (lapsed 13 Nov) + S4 + U1 + U3 + N1 = 10 of 19.
        [date(2026, 11, 18), 19, 10, 10 / 19],
    ]
    # 10/19 = 52.6 % -> "53 %"; 5/18 = 27.8 % -> "28 %".
    assert trend.summary == (
        "53 % of people with a target are at or above it, against 28 % 3 weeks earlier."
    )


def test_funnel(org, leader_user):
    funnel = report(leader_user).funnel
    # Tier now: 0 = S7 S8 S9 U2 U4 L4 (6); 1 = S2 S4 S6 S10 U1 U3 L2 L3 N1 (9);
    # 2 = S5 U5 (2); 3 = S1 S3 L1 (3); 4 = U6 (1); 5 = nobody. 6 + 9 + 2 + 3 + 1 = 21.
    assert rows(funnel) == [
        ["Not started yet", 21, None, 6],
        ["1. Aware", 15, 15 / 21, 9],  # 9 + 2 + 3 + 1
        ["2. Informed", 6, 6 / 21, 2],  # 2 + 3 + 1
        ["3. Trained", 4, 4 / 21, 3],  # 3 + 1
        ["4. Engaged", 1, 1 / 21, 1],  # Pia Lang (Mara Quint's Engaged lapsed on 12 Nov)
        ["5. Champion", 0, 0.0, 0],
    ]
    # Aware: 15 of 21 reached (more than half); Informed: 6 of 21, so 15 have not.
    assert funnel.summary == "Most people in this view have not reached Informed yet."


def test_breakdown_by_department(org, leader_user):
    table = breakdown(report(leader_user), "by_department")
    assert [c.label for c in table.columns] == [
        "Department",
        "People",
        "With a target",
        "At or above target",
        "Share at target",
        *TIER_COLUMNS,
        "Most have not reached",
    ]
    assert rows(table) == [
        ["Legal", S, S, S, S, S, S, S, S, S, S],  # 4 people: nothing but the name
        # Sales: 10 people, all with a target; at target S1 S2 S3 S4 S10 = 5 of 10.
        # Tier now 3 1 3 1 2 1 0 0 0 1: Aware 7, Informed 3 (S1 S3 S5), Trained 2, Engaged 0.
        # Most stop at Informed: 3 of 10 reached it, 7 have not.
        ["Sales", 10, 10, 5, 5 / 10, 7 / 10, 3 / 10, 2 / 10, 0.0, 0.0, "Informed"],
        # Support: 6 people, 5 with a target (not Pia Lang); at target U1 U3 = 2 of 5.
        # Tier now 1 0 1 0 2 4: Aware 4, Informed 2 (U5 U6), Trained 1, Engaged 1 (U6).
        ["Support", 6, 5, 2, 2 / 5, 4 / 6, 2 / 6, 1 / 6, 1 / 6, 0.0, "Informed"],
        ["No department", S, S, S, S, S, S, S, S, S, S],  # Uma Reed alone
    ]
    assert table.summary == "4 groups; 2 with fewer than 5 people are not shown."


def test_breakdown_by_role(org, community_manager):
    table = breakdown(report(community_manager), "by_role")
    assert [c.label for c in table.columns][:5] == [
        "Role",
        "People",
        "With a target",
        "At or above target",
        "Share at target",
    ]
    assert rows(table) == [
        # Agent (asks Aware): S2 S4 S9 S10 U1 U2 U3 U4 L2 N1 = 10; at target all but S9 U2 U4 = 7.
        ["Agent", 10, 10, 7, 7 / 10, 7 / 10, 0.0, 0.0, 0.0, 0.0, "Informed"],
        # Analyst (asks Trained): S1 S3 S5 S6 S7 S8 U5 L1 L3 = 9; tier now 3 3 2 1 0 0 2 3 1.
        # At target S1 S3 L1 = 3; Aware 7, Informed 5, Trained 3: most stop at Trained (3 of 9).
        ["Analyst", 9, 9, 3, 3 / 9, 7 / 9, 5 / 9, 3 / 9, 0.0, 0.0, "Trained"],
        ["Contractor", S, S, S, S, S, S, S, S, S, S],  # Pia Lang, Tara Wynn
    ]
    assert table.summary == "3 groups; 1 with fewer than 5 people are not shown."


def test_breakdown_by_role_for_a_leader(org, leader_user):
    """A leader sees no names: 21 people minus 10 agents and 9 analysts would be the two
    contractors, so the analysts are withheld with them; and of the 19 people with a target,
    the analysts' 9 withheld means the agents' 10 would give them away, so the agents' numbers
    about people with a target are withheld too (their count and tiers reached stay)."""
    table = breakdown(report(leader_user), "by_role")
    assert rows(table) == [
        ["Agent", 10, S, S, S, 7 / 10, 0.0, 0.0, 0.0, 0.0, "Informed"],
        ["Analyst", S, S, S, S, S, S, S, S, S, S],
        ["Contractor", S, S, S, S, S, S, S, S, S, S],
    ]
    assert table.summary == (
        "3 groups; 2 with fewer than 5 people, or that would give such a group away by "
        "subtraction, are not shown."
    )


def test_breakdown_by_location(org, leader_user):
    table = breakdown(report(leader_user), "by_location")
    assert rows(table) == [
        # Leeds: S1 S2 S5 S6 S8 S10 U3 U4 U6 L1 L3 N1 = 12, 11 with a target (not U6);
        # at target S1 S2 S10 U3 L1 N1 = 6 of 11. Tier now 3 1 2 1 0 1 1 0 4 3 1 1:
        # Aware 10, Informed 4 (S1 S5 U6 L1), Trained 3, Engaged 1.
        ["Leeds", 12, 11, 6, 6 / 11, 10 / 12, 4 / 12, 3 / 12, 1 / 12, 0.0, "Informed"],
        # Lisbon: S3 S4 S7 S9 U1 U2 U5 L2 L4 = 9, 8 with a target (not L4); at target
        # S3 S4 U1 L2 = 4 of 8. Tier now 3 1 0 0 1 0 2 1 0: Aware 5, Informed 2, Trained 1.
        ["Lisbon", 9, 8, 4, 4 / 8, 5 / 9, 2 / 9, 1 / 9, 0.0, 0.0, "Informed"],
    ]
    assert table.summary == "2 groups."


def test_cohorts(org, leader_user):
    cohorts = report(leader_user).cohorts
    assert [c.label for c in cohorts.columns] == [
        "Cohort",
        "People",
        "Share at target",
        *TIER_COLUMNS,
    ]
    # Q4 2026 and the seven quarters before it are shown one by one: 2025 Q1 to 2026 Q4.
    assert rows(cohorts) == [
        # S1 S2 S3 S4 S9 (31 Dec 2024) U2 L1 L3 L4 N1 = 10, 9 with a target (not L4);
        # at target S1 S2 S3 S4 L1 N1 = 6 of 9. Tier now 3 1 3 1 0 0 3 1 0 1:
        # Aware 7, Informed 3, Trained 3.
        ["Started before 2025 Q1", 10, 6 / 9, 7 / 10, 3 / 10, 3 / 10, 0.0, 0.0],
        ["Started 2025 Q1", S, S, S, S, S, S, S],  # Finn Roy (1 Jan 2025), Pia Lang
        ["Started 2025 Q3", S, S, S, S, S, S, S],  # Gus Hale
        # S5 (17 Aug) S8 (30 Sep) U3 (1 Jul) U4 (15 Jul) L2 (3 Aug) = 5, all with a target;
        # at target U3 L2 = 2 of 5. Tier now 2 0 1 0 1: Aware 3, Informed 1.
        ["Started 2026 Q3", 5, 2 / 5, 3 / 5, 1 / 5, 0.0, 0.0, 0.0],
        ["Started 2026 Q4", S, S, S, S, S, S, S],  # Jade Moss, Omar Fitz
        ["Start date unknown", S, S, S, S, S, S, S],  # Kai Dunn
    ]


def test_curve_and_threshold_dates(org, leader_user):
    curve = report(leader_user).curve
    assert [c.label for c in curve.columns] == [
        "Department",
        "People with a target",
        "Share at target",
        "Stage",
        "Passed 16 % on",
        "Passed 25 % on",
    ]
    assert rows(curve) == [
        # Sales: 9 with a target had started until Jade Moss on 9 Nov. Mara Quint on 14 Oct:
        # 1 of 9 = 11 %; Ben Ortiz on 21 Oct 15:00: 2 of 9 = 22 % >= 16 %; Cleo Park on 2 Nov:
        # 3 of 9 = 33 % >= 25 %. Now 5 of 10.
        [
            "Sales",
            10,
            5 / 10,
            "Past the tipping point",
            date(2026, 10, 21),
            date(2026, 11, 2),
        ],
        # Support (5 with a target): Lea Voss reached Aware on 1 Sep, when only U1 U2 U3 U4 had
        # started: 1 of 4 = 25 %, but under five people passes nothing. Omar Fitz starts on
        # 26 Oct: 1 of 5 = 20 % >= 16 %. Kai Dunn on 12 Nov: 2 of 5 = 40 % >= 25 %. Lea Voss
        # lapses on 13 Nov (1 of 5) and Max Bell reaches it on 17 Nov: the first day stays.
        [
            "Support",
            5,
            2 / 5,
            "Past the tipping point",
            date(2026, 10, 26),
            date(2026, 11, 12),
        ],
        ["Legal", S, S, S, S, S],  # 3 with a target
        ["No department", S, S, S, S, S],  # 1 with a target
    ]
    assert curve.summary == (
        "Past the tipping point (25 %): 2 of 2 departments; past the early adopters (16 %) only: 0."
    )


def test_threshold_dates_are_local_days(org, leader_user, settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # UTC+13 in October and November
    curve = report(leader_user).curve
    assert [row[4:] for row in curve.rows[:2]] == [
        # Ben Ortiz's Aware: 21 Oct 15:00 UTC = 22 Oct 04:00 in Auckland;
        # Cleo Park's Trained: 2 Nov 08:00 UTC = 2 Nov 21:00.
        [date(2026, 10, 22), date(2026, 11, 2)],
        # Omar Fitz starts on 26 Oct; Kai Dunn's Aware: 12 Nov 11:30 UTC = 13 Nov 00:30.
        [date(2026, 10, 26), date(2026, 11, 13)],
    ]


def test_threshold_dates_count_starters_by_local_day(org, leader_user, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    curve = report(leader_user).curve
    # Support has 4 people with a target until Omar Fitz starts on 26 Oct; on 25 Oct it passes
    # nothing. From 26 Oct: 1 of 5 = 20 % >= 16 %. (Kai Dunn: 12 Nov 11:30 UTC = 03:30 PST.)
    assert curve.rows[1][0] == "Support"
    assert curve.rows[1][4:] == [date(2026, 10, 26), date(2026, 11, 12)]


def test_curve_stages_under_a_role_filter(org, community_manager):
    # The programme's organisers see names: a role's view is not withheld for them.
    analyst = org.roles["Analyst"].pk
    # Sales analysts: S1 S3 S5 S6 S7 S8 = 6, all started long before October. Mara Quint on
    # 14 Oct: 1 of 6 = 16.7 % >= 16 %; Cleo Park on 2 Nov: 2 of 6 = 33 % >= 25 %.
    before = report(community_manager, f"role={analyst}", now=at(10, 13, 12)).curve
    assert before.rows[0] == ["Sales", 6, 0.0, "Not yet at 16 %", None, None]
    early = report(community_manager, f"role={analyst}", now=at(10, 22, 12)).curve
    assert early.rows[0] == ["Sales", 6, 1 / 6, "Early adopters", date(2026, 10, 14), None]
    assert early.summary == (
        "Past the tipping point (25 %): 0 of 1 department; past the early adopters (16 %) only: 1."
    )
    later = report(community_manager, f"role={analyst}").curve
    assert later.rows == [
        ["Sales", 6, 2 / 6, "Past the tipping point", date(2026, 10, 14), date(2026, 11, 2)],
        ["Legal", S, S, S, S, S],  # Quinn Ash, Saul Beck
        ["Support", S, S, S, S, S],  # Omar Fitz
    ]


def test_no_threshold_is_passed_after_now(org, leader_user):
    # On 22 Oct 12:00 Support has 4 people with a target who have started (Omar Fitz starts on
    # 26 Oct), so it has passed nothing yet: with 4 people counted its row is withheld, and
    # no date after now may appear. Sales passed 16 % on 21 Oct (2 of 9).
    adoption = report(leader_user, now=at(10, 22, 12))
    support = next(row for row in adoption.curve.rows if row[0] == "Support")
    assert support[1:] == [S, S, S, S, S]
    assert adoption.headline.passed_this_week == ["Sales passed 16 %"]


def test_period_lapsed_before_start_does_not_delay_passing(org, leader_user):
    # Rehired into Legal on 1 Nov: her Aware held from 2 Sep to 10 Sep, before she (re)started.
    legal, agent, leeds = org.departments["Legal"], org.roles["Agent"], org.locations["Leeds"]
    rehire = StaffFactory(
        display_name="Wren Hart",
        department=legal,
        role=agent,
        location=leeds,
        start_date=date(2026, 11, 1),
    )
    TierAttainment.objects.create(
        staff=rehire,
        tier=Tier.objects.get(name="Aware"),
        reached_at=at(9, 2),
        lapsed_at=at(9, 10),
    )
    for name in ("Yara Holt", "Zed Kerr"):  # two more Legal people with a target, long started
        StaffFactory(
            display_name=name,
            department=legal,
            role=agent,
            location=leeds,
            start_date=date(2015, 1, 1),
        )
    curve = report(leader_user, f"department={legal.pk}").curve
    # Legal with a target and started: L1 L2 L3 Yara Holt Zed Kerr = 5 from 3 Aug (L2).
    # Quinn Ash (Trained 1 Sep): 1 of 5 = 20 % >= 16 %. Rosa Diaz (Aware 1 Oct): 2 of 5 = 40 %
    # >= 25 % on 1 Oct. Wren Hart starts on 1 Nov: 2 of 6 = 33 % now.
    assert curve.rows == [
        ["Legal", 6, 2 / 6, "Past the tipping point", date(2026, 9, 1), date(2026, 10, 1)]
    ]


@pytest.mark.parametrize(("threshold", "legal", "support"), [(4, 4, 6), (5, S, 6), (7, S, S)])
def test_the_threshold_is_the_setting(org, community_manager, threshold, legal, support):
    """REPORT_MIN_GROUP decides what a group must hold to be shown (Legal has 4 people,
    Support 6), in the tables and in their words."""
    with override_settings(REPORT_MIN_GROUP=threshold):
        table = breakdown(report(community_manager), "by_department")
        people = {row[0]: row[1] for row in table.rows}
        assert (people["Legal"], people["Support"]) == (legal, support)
        if legal is S:
            assert f"fewer than {threshold} people" in table.summary
