"""The adoption report's numbers, checked against a hand count on a hand-built organisation.

Twenty-one active people (plus one who left) in Sales (10), Support (6), Legal (4, too small to
show anywhere) and no department (1); three roles (Analyst asks Trained, Agent asks Aware,
Contractor asks nothing); two locations. Every expected value below is a literal counted by
hand from the tables `PEOPLE` and `ATTAINMENTS`, with the arithmetic in a comment.

`NOW` is Wednesday 18 November 2026, 12:00 UTC, so "a week ago" is 11 November 12:00 and a
four-week trend ends on 28 Oct, 4 Nov, 11 Nov and 18 Nov (each at 12:00 UTC).

Current tier of everyone at `NOW` (0: none yet), target, and whether at target:

    Sales    S1 Mara Quint  3 /3 yes   S6 Finn Roy    1 /3 no
             S2 Ben Ortiz   1 /1 yes   S7 Gus Hale    0 /3 no
             S3 Cleo Park   3 /3 yes   S8 Hana Ito    0 /3 no
             S4 Dev Shah    1 /1 yes   S9 Ivo Brandt  0 /1 no (reaches Aware after NOW)
             S5 Eve Lund    2 /3 no    S10 Jade Moss  1 /1 yes (pre-boarding: counted from start)
    Support  U1 Kai Dunn    1 /1 yes   U4 Nia Cole    0 /1 no
             U2 Lea Voss    0 /1 no    U5 Omar Fitz   2 /3 no
             (lapsed 13 Nov)           U6 Pia Lang    4 /- (no target)
             U3 Max Bell    1 /1 yes
    Legal    L1 Quinn Ash   3 /3 yes   L3 Saul Beck   1 /3 no
             L2 Rosa Diaz   1 /1 yes   L4 Tara Wynn   0 /- (no target)
    (none)   N1 Uma Reed    1 /1 yes (lapses 31 Dec, after NOW)
    inactive X1 Vic Gone    3 /3 (must count nowhere)

At target now: S1 S2 S3 S4 S10 U1 U3 L1 L2 N1 = 10 of the 19 people whose role asks a tier.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.http import Http404, QueryDict

from portal.factories import (
    DepartmentFactory,
    LocationFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from portal.people.models import Department, Location, Role, Staff
from portal.reports.frames import frames_forget
from portal.reports.scope import report_scope
from portal.reports.selectors import Headline, adoption_report
from portal.reports.tables import SUPPRESSED as S
from portal.tiers.models import Tier, TierAttainment

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# code: (name, department, role, location, start date)
PEOPLE = {
    "S1": ("Mara Quint", "Sales", "Analyst", "Leeds", date(2019, 4, 1)),
    "S2": ("Ben Ortiz", "Sales", "Agent", "Leeds", date(2020, 1, 15)),
    "S3": ("Cleo Park", "Sales", "Analyst", "Lisbon", date(2021, 6, 1)),
    "S4": ("Dev Shah", "Sales", "Agent", "Lisbon", date(2023, 3, 3)),
    "S5": ("Eve Lund", "Sales", "Analyst", "Leeds", date(2026, 8, 17)),
    "S6": ("Finn Roy", "Sales", "Analyst", "Leeds", date(2025, 1, 1)),
    "S7": ("Gus Hale", "Sales", "Analyst", "Lisbon", date(2025, 8, 20)),
    "S8": ("Hana Ito", "Sales", "Analyst", "Leeds", date(2026, 9, 30)),
    "S9": ("Ivo Brandt", "Sales", "Agent", "Lisbon", date(2024, 12, 31)),
    "S10": ("Jade Moss", "Sales", "Agent", "Leeds", date(2026, 11, 9)),
    "U1": ("Kai Dunn", "Support", "Agent", "Lisbon", None),
    "U2": ("Lea Voss", "Support", "Agent", "Lisbon", date(2018, 3, 1)),
    "U3": ("Max Bell", "Support", "Agent", "Leeds", date(2026, 7, 1)),
    "U4": ("Nia Cole", "Support", "Agent", "Leeds", date(2026, 7, 15)),
    "U5": ("Omar Fitz", "Support", "Analyst", "Lisbon", date(2026, 10, 26)),
    "U6": ("Pia Lang", "Support", "Contractor", "Leeds", date(2025, 2, 10)),
    "L1": ("Quinn Ash", "Legal", "Analyst", "Leeds", date(2016, 5, 5)),
    "L2": ("Rosa Diaz", "Legal", "Agent", "Lisbon", date(2026, 8, 3)),
    "L3": ("Saul Beck", "Legal", "Analyst", "Leeds", date(2023, 1, 10)),
    "L4": ("Tara Wynn", "Legal", "Contractor", "Lisbon", date(2020, 2, 2)),
    "N1": ("Uma Reed", None, "Agent", "Leeds", date(2024, 5, 5)),
    "X1": ("Vic Gone", "Sales", "Analyst", "Leeds", date(2019, 1, 1)),  # inactive
}

# code: [(tier, reached_at, lapsed_at or None)], cumulative like the engine writes them.
ATTAINMENTS = {
    "S1": [
        ("Aware", at(9, 1), None),
        ("Informed", at(9, 20), None),
        ("Trained", at(10, 14), None),
        ("Engaged", at(10, 20), at(11, 12)),  # lapsed last week: back to Trained
    ],
    "S2": [("Aware", at(10, 21, 15), None)],
    "S3": [
        ("Aware", at(10, 1, 8), None),
        ("Informed", at(10, 15, 8), None),
        ("Trained", at(11, 2, 8), None),
    ],
    "S4": [("Aware", at(11, 16, 10), None)],  # reached the target this week
    "S5": [("Aware", at(9, 10), None), ("Informed", at(10, 1), None)],
    "S6": [("Aware", at(10, 10, 10), None)],
    "S9": [("Aware", at(11, 25), None)],  # after NOW: not counted
    "S10": [("Aware", at(11, 1, 10), None)],  # before starting on 9 Nov: counts from 9 Nov
    "U1": [("Aware", at(11, 12, 11, 30), None)],  # this week (13 Nov in Auckland)
    "U2": [("Aware", at(9, 1, 10), at(11, 13, 9))],  # target lapsed this week
    "U3": [("Aware", at(11, 17, 14), None), ("Informed", at(11, 20), None)],  # 2nd after NOW
    "U5": [("Aware", at(11, 3, 10), None), ("Informed", at(11, 10, 10), None)],
    "U6": [
        ("Aware", at(8, 1), None),
        ("Informed", at(8, 15), None),
        ("Trained", at(9, 1), None),
        ("Engaged", at(9, 15), None),
    ],
    "L1": [
        ("Aware", at(8, 1), None),
        ("Informed", at(8, 10), None),
        ("Trained", at(9, 1), None),
    ],
    "L2": [("Aware", at(10, 1), None)],
    "L3": [("Aware", at(11, 15, 10), None)],
    "N1": [("Aware", at(11, 12, 13), datetime(2026, 12, 31, tzinfo=UTC))],  # lapses after NOW
    "X1": [
        ("Aware", at(9, 1), None),
        ("Informed", at(9, 15), None),
        ("Trained", at(10, 1), None),
    ],
}

# A reporting line three levels deep under Mara Quint (S1): S1 > S3 > S5 > S6.
MANAGERS = {
    "S2": "S1",
    "S3": "S1",
    "U1": "S1",
    "S4": "S3",
    "S5": "S3",
    "U5": "S3",
    "X1": "S3",  # inactive: in the line, but counts nowhere
    "S6": "S5",
    "L2": "L1",
    "L3": "L1",
    "L4": "L1",
}

TIER_COLUMNS = [
    "Reached Aware",
    "Reached Informed",
    "Reached Trained",
    "Reached Engaged",
    "Reached Champion",
]


@dataclass
class Org:
    staff: dict[str, Staff]
    departments: dict[str, Department]
    roles: dict[str, Role]
    locations: dict[str, Location]
    manager_user: object


def build_organisation(suffix: str = "") -> dict[str, Staff]:
    """The people, their lines and their attainment periods (departments, roles and locations
    are shared by name, so a second call doubles the people of the same groups)."""
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    roles = {
        "Analyst": RoleFactory(name="Analyst", target_tier=tiers["Trained"]),
        "Agent": RoleFactory(name="Agent", target_tier=tiers["Aware"]),
        "Contractor": RoleFactory(name="Contractor", target_tier=None),
    }
    departments = {name: DepartmentFactory(name=name) for name in ("Sales", "Support", "Legal")}
    locations = {name: LocationFactory(name=name) for name in ("Leeds", "Lisbon")}
    staff = {}
    for code, (name, department, role, location, start) in PEOPLE.items():
        staff[code] = StaffFactory(
            display_name=name + suffix,
            department=departments.get(department),
            role=roles[role],
            location=locations[location],
            start_date=start,
            active=code != "X1",
        )
    for code, boss in MANAGERS.items():
        staff[code].manager = staff[boss]
        staff[code].save(update_fields=["manager"])
    TierAttainment.objects.bulk_create(
        TierAttainment(staff=staff[code], tier=tiers[tier], reached_at=reached, lapsed_at=lapsed)
        for code, periods in ATTAINMENTS.items()
        for tier, reached, lapsed in periods
    )
    return staff


@pytest.fixture(autouse=True)
def _frames_forgotten():
    """Each test reads the frames afresh: the copy a process keeps is checked against row
    counts, highest ids and a revision number, which a rolled-back test database repeats."""
    frames_forget()
    yield
    frames_forget()


@pytest.fixture
def org(db):
    assert list(Tier.objects.values_list("order", "name")) == [
        (1, "Aware"),
        (2, "Informed"),
        (3, "Trained"),
        (4, "Engaged"),
        (5, "Champion"),
    ]
    staff = build_organisation()
    manager_user = UserFactory()
    staff["S1"].user = manager_user
    staff["S1"].save(update_fields=["user"])
    return Org(
        staff=staff,
        departments={d.name: d for d in Department.objects.all()},
        roles={r.name: r for r in Role.objects.all()},
        locations={loc.name: loc for loc in Location.objects.all()},
        manager_user=manager_user,
    )


def report(user, params: str = "period=4w", *, staff=None, now=NOW):
    scope = report_scope(user=user, staff=staff, params=QueryDict(params))
    return adoption_report(scope=scope, now=now)


def rows(table):
    return [list(row) for row in table.rows]


def breakdown(adoption, key):
    return next(table for table in adoption.breakdowns if table.key == key)


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
        "At or above target",
        "Share at target",
        *TIER_COLUMNS,
        "Most have not reached",
    ]
    assert rows(table) == [
        ["Legal", S, S, S, S, S, S, S, S, S],  # 4 people: nothing but the name
        # Sales: 10 people, all with a target; at target S1 S2 S3 S4 S10 = 5 of 10.
        # Tier now 3 1 3 1 2 1 0 0 0 1: Aware 7, Informed 3 (S1 S3 S5), Trained 2, Engaged 0.
        # Most stop at Informed: 3 of 10 reached it, 7 have not.
        ["Sales", 10, 5, 5 / 10, 7 / 10, 3 / 10, 2 / 10, 0.0, 0.0, "Informed"],
        # Support: 6 people, 5 with a target (not Pia Lang); at target U1 U3 = 2 of 5.
        # Tier now 1 0 1 0 2 4: Aware 4, Informed 2 (U5 U6), Trained 1, Engaged 1 (U6).
        ["Support", 6, 2, 2 / 5, 4 / 6, 2 / 6, 1 / 6, 1 / 6, 0.0, "Informed"],
        ["No department", S, S, S, S, S, S, S, S, S],  # Uma Reed alone
    ]
    assert table.summary == "4 groups; 2 with fewer than 5 people are not shown."


def test_breakdown_by_role(org, leader_user):
    table = breakdown(report(leader_user), "by_role")
    assert [c.label for c in table.columns][:4] == [
        "Role",
        "People",
        "At or above target",
        "Share at target",
    ]
    assert rows(table) == [
        # Agent (asks Aware): S2 S4 S9 S10 U1 U2 U3 U4 L2 N1 = 10; at target all but S9 U2 U4 = 7.
        ["Agent", 10, 7, 7 / 10, 7 / 10, 0.0, 0.0, 0.0, 0.0, "Informed"],
        # Analyst (asks Trained): S1 S3 S5 S6 S7 S8 U5 L1 L3 = 9; tier now 3 3 2 1 0 0 2 3 1.
        # At target S1 S3 L1 = 3; Aware 7, Informed 5, Trained 3: most stop at Trained (3 of 9).
        ["Analyst", 9, 3, 3 / 9, 7 / 9, 5 / 9, 3 / 9, 0.0, 0.0, "Trained"],
        ["Contractor", S, S, S, S, S, S, S, S, S],  # Pia Lang, Tara Wynn
    ]
    assert table.summary == "3 groups; 1 with fewer than 5 people are not shown."


def test_breakdown_by_location(org, leader_user):
    table = breakdown(report(leader_user), "by_location")
    assert rows(table) == [
        # Leeds: S1 S2 S5 S6 S8 S10 U3 U4 U6 L1 L3 N1 = 12, 11 with a target (not U6);
        # at target S1 S2 S10 U3 L1 N1 = 6 of 11. Tier now 3 1 2 1 0 1 1 0 4 3 1 1:
        # Aware 10, Informed 4 (S1 S5 U6 L1), Trained 3, Engaged 1.
        ["Leeds", 12, 6, 6 / 11, 10 / 12, 4 / 12, 3 / 12, 1 / 12, 0.0, "Informed"],
        # Lisbon: S3 S4 S7 S9 U1 U2 U5 L2 L4 = 9, 8 with a target (not L4); at target
        # S3 S4 U1 L2 = 4 of 8. Tier now 3 1 0 0 1 0 2 1 0: Aware 5, Informed 2, Trained 1.
        ["Lisbon", 9, 4, 4 / 8, 5 / 9, 2 / 9, 1 / 9, 0.0, 0.0, "Informed"],
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


def test_curve_stages_under_a_role_filter(org, leader_user):
    analyst = org.roles["Analyst"].pk
    # Sales analysts: S1 S3 S5 S6 S7 S8 = 6, all started long before October. Mara Quint on
    # 14 Oct: 1 of 6 = 16.7 % >= 16 %; Cleo Park on 2 Nov: 2 of 6 = 33 % >= 25 %.
    before = report(leader_user, f"role={analyst}", now=at(10, 13, 12)).curve
    assert before.rows[0] == ["Sales", 6, 0.0, "Not yet at 16 %", None, None]
    early = report(leader_user, f"role={analyst}", now=at(10, 22, 12)).curve
    assert early.rows[0] == ["Sales", 6, 1 / 6, "Early adopters", date(2026, 10, 14), None]
    assert early.summary == (
        "Past the tipping point (25 %): 0 of 1 department; past the early adopters (16 %) only: 1."
    )
    later = report(leader_user, f"role={analyst}").curve
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


# Names and reporting lines


def test_manager_sees_their_line_at_any_depth(org):
    adoption = report(org.manager_user, staff=org.staff["S1"])
    scope = adoption.scope
    assert scope.label == "Mara Quint's reporting line"
    assert scope.names_visible
    # Line: S2 S3 U1 (direct), S4 S5 U5 (under Cleo Park), S6 (under Eve Lund) = 7; Vic Gone
    # (under Cleo Park) has left. All 7 have a target; tier now S2 1, S3 3, S4 1, S5 2, S6 1,
    # U1 1, U5 2; at target S2 S3 S4 U1 = 4.
    assert adoption.headline == Headline(
        people=7,
        with_target=7,
        at_target=4,
        share=4 / 7,
        share_last_week=2 / 7,  # S2, S3 on 11 Nov
        change=pytest.approx(2 / 7),
        reached_this_week=2,  # Dev Shah, Kai Dunn
        fell_below_this_week=0,
        passed_this_week=[],  # Sales (5 here) passed 16 % on 21 Oct and 25 % on 2 Nov
    )
    assert rows(adoption.trend) == [
        [date(2026, 10, 28), 7, 1, 1 / 7],  # Ben Ortiz
        [date(2026, 11, 4), 7, 2, 2 / 7],  # + Cleo Park
        [date(2026, 11, 11), 7, 2, 2 / 7],
        [date(2026, 11, 18), 7, 4, 4 / 7],  # + Dev Shah, Kai Dunn
    ]
    assert rows(adoption.funnel) == [
        ["Not started yet", 7, None, 0],
        ["1. Aware", 7, 7 / 7, 4],  # S2 S4 S6 U1 stop here
        ["2. Informed", 3, 3 / 7, 2],  # S5 U5
        ["3. Trained", 1, 1 / 7, 1],  # S3
        ["4. Engaged", 0, 0.0, 0],
        ["5. Champion", 0, 0.0, 0],
    ]
    assert rows(breakdown(adoption, "by_department")) == [
        # S2 S3 S4 S5 S6: tier now 1 3 1 2 1; at target S2 S3 S4 = 3 of 5; Informed 2 of 5.
        ["Sales", 5, 3, 3 / 5, 5 / 5, 2 / 5, 1 / 5, 0.0, 0.0, "Informed"],
        ["Support", S, S, S, S, S, S, S, S, S],  # Kai Dunn, Omar Fitz
    ]
    assert rows(breakdown(adoption, "by_role")) == [
        ["Agent", S, S, S, S, S, S, S, S, S],  # S2 S4 U1
        ["Analyst", S, S, S, S, S, S, S, S, S],  # S3 S5 S6 U5
    ]
    assert rows(breakdown(adoption, "by_location")) == [
        ["Leeds", S, S, S, S, S, S, S, S, S],  # S2 S5 S6
        ["Lisbon", S, S, S, S, S, S, S, S, S],  # S3 S4 U1 U5
    ]
    assert [row[0] for row in adoption.cohorts.rows] == [
        "Started before 2025 Q1",  # S2 S3 S4
        "Started 2025 Q1",  # S6
        "Started 2026 Q3",  # S5
        "Started 2026 Q4",  # U5
        "Start date unknown",  # U1
    ]
    assert all(row[1:] == [S] * 7 for row in adoption.cohorts.rows)
    assert rows(adoption.curve) == [
        # 5 in Sales all along: Ben Ortiz 1 of 5 = 20 % on 21 Oct; Cleo Park 2 of 5 on 2 Nov.
        ["Sales", 5, 3 / 5, "Past the tipping point", date(2026, 10, 21), date(2026, 11, 2)],
        ["Support", S, S, S, S, S],
    ]
    # Furthest from target first: not at target by tier now, then at target.
    assert rows(adoption.people) == [
        ["Finn Roy", "Sales", "Analyst", "Aware", "Trained", "No"],
        ["Eve Lund", "Sales", "Analyst", "Informed", "Trained", "No"],
        ["Omar Fitz", "Support", "Analyst", "Informed", "Trained", "No"],
        ["Ben Ortiz", "Sales", "Agent", "Aware", "Aware", "Yes"],
        ["Dev Shah", "Sales", "Agent", "Aware", "Aware", "Yes"],
        ["Kai Dunn", "Support", "Agent", "Aware", "Aware", "Yes"],
        ["Cleo Park", "Sales", "Analyst", "Trained", "Trained", "Yes"],
    ]
    assert len(adoption.people.rows) == 7


def test_community_manager_sees_every_name(org, community_manager):
    adoption = report(community_manager)
    assert adoption.scope.label == "Whole organisation"
    assert adoption.headline.people == 21
    assert rows(adoption.people) == [
        # Not at target, tier 0, by name
        ["Gus Hale", "Sales", "Analyst", "Not started", "Trained", "No"],
        ["Hana Ito", "Sales", "Analyst", "Not started", "Trained", "No"],
        ["Ivo Brandt", "Sales", "Agent", "Not started", "Aware", "No"],
        ["Lea Voss", "Support", "Agent", "Not started", "Aware", "No"],
        ["Nia Cole", "Support", "Agent", "Not started", "Aware", "No"],
        ["Tara Wynn", "Legal", "Contractor", "Not started", "No target", "No"],
        # tier 1, 2 and 4
        ["Finn Roy", "Sales", "Analyst", "Aware", "Trained", "No"],
        ["Saul Beck", "Legal", "Analyst", "Aware", "Trained", "No"],
        ["Eve Lund", "Sales", "Analyst", "Informed", "Trained", "No"],
        ["Omar Fitz", "Support", "Analyst", "Informed", "Trained", "No"],
        ["Pia Lang", "Support", "Contractor", "Engaged", "No target", "No"],
        # At target
        ["Ben Ortiz", "Sales", "Agent", "Aware", "Aware", "Yes"],
        ["Dev Shah", "Sales", "Agent", "Aware", "Aware", "Yes"],
        ["Jade Moss", "Sales", "Agent", "Aware", "Aware", "Yes"],
        ["Kai Dunn", "Support", "Agent", "Aware", "Aware", "Yes"],
        ["Max Bell", "Support", "Agent", "Aware", "Aware", "Yes"],
        ["Rosa Diaz", "Legal", "Agent", "Aware", "Aware", "Yes"],
        ["Uma Reed", "–", "Agent", "Aware", "Aware", "Yes"],
        ["Cleo Park", "Sales", "Analyst", "Trained", "Trained", "Yes"],
        ["Mara Quint", "Sales", "Analyst", "Trained", "Trained", "Yes"],
        ["Quinn Ash", "Legal", "Analyst", "Trained", "Trained", "Yes"],
    ]
    assert len(adoption.people.rows) == 21  # Vic Gone has left


def test_leader_sees_no_names(org, leader_user):
    adoption = report(leader_user)
    assert adoption.scope.names_visible is False
    assert adoption.people is None
    assert all(table.key != "people" for table in adoption.tables())


# Filters


def test_department_filter_narrows_everything(org, leader_user):
    sales = org.departments["Sales"].pk
    adoption = report(leader_user, f"department={sales}&period=4w")
    assert adoption.scope.description == "Whole organisation, Sales"
    # S1..S10, all with a target; at target S1 S2 S3 S4 S10.
    assert adoption.headline == Headline(
        people=10,
        with_target=10,
        at_target=5,
        share=5 / 10,
        share_last_week=4 / 10,  # S1 S2 S3 S10 of 10 on 11 Nov
        change=pytest.approx(1 / 10),
        reached_this_week=1,  # Dev Shah
        fell_below_this_week=0,
        passed_this_week=[],
    )
    assert rows(adoption.trend) == [
        [date(2026, 10, 28), 9, 2, 2 / 9],  # S1 S2; Jade Moss not started
        [date(2026, 11, 4), 9, 3, 3 / 9],  # + S3
        [date(2026, 11, 11), 10, 4, 4 / 10],  # + S10
        [date(2026, 11, 18), 10, 5, 5 / 10],  # + S4
    ]
    # Tier now 3 1 3 1 2 1 0 0 0 1.
    assert rows(adoption.funnel) == [
        ["Not started yet", 10, None, 3],
        ["1. Aware", 7, 7 / 10, 4],
        ["2. Informed", 3, 3 / 10, 1],
        ["3. Trained", 2, 2 / 10, 2],
        ["4. Engaged", 0, 0.0, 0],
        ["5. Champion", 0, 0.0, 0],
    ]
    assert rows(breakdown(adoption, "by_department")) == [
        ["Sales", 10, 5, 5 / 10, 7 / 10, 3 / 10, 2 / 10, 0.0, 0.0, "Informed"],
    ]
    by_role = rows(breakdown(adoption, "by_role"))
    assert by_role[0] == ["Agent", S, S, S, S, S, S, S, S, S]  # S2 S4 S9 S10
    # Analysts S1 S3 S5 S6 S7 S8: tier now 3 3 2 1 0 0; at target S1 S3. (The last column is
    # test_where_most_stop_needs_more_than_half's.)
    assert by_role[1][:-1] == ["Analyst", 6, 2, 2 / 6, 4 / 6, 3 / 6, 2 / 6, 0.0, 0.0]
    assert len(by_role) == 2
    assert rows(breakdown(adoption, "by_location")) == [
        # S1 S2 S5 S6 S8 S10: tier now 3 1 2 1 0 1; at target S1 S2 S10; Informed 2 of 6.
        ["Leeds", 6, 3, 3 / 6, 5 / 6, 2 / 6, 1 / 6, 0.0, 0.0, "Informed"],
        ["Lisbon", S, S, S, S, S, S, S, S, S],  # S3 S4 S7 S9
    ]
    assert rows(adoption.cohorts) == [
        # S1 S2 S3 S4 S9: tier now 3 1 3 1 0; at target S1 S2 S3 S4 = 4 of 5.
        ["Started before 2025 Q1", 5, 4 / 5, 4 / 5, 2 / 5, 2 / 5, 0.0, 0.0],
        ["Started 2025 Q1", S, S, S, S, S, S, S],  # S6
        ["Started 2025 Q3", S, S, S, S, S, S, S],  # S7
        ["Started 2026 Q3", S, S, S, S, S, S, S],  # S5 S8
        ["Started 2026 Q4", S, S, S, S, S, S, S],  # S10
    ]
    assert rows(adoption.curve) == [
        ["Sales", 10, 5 / 10, "Past the tipping point", date(2026, 10, 21), date(2026, 11, 2)],
    ]


def test_where_most_stop_needs_more_than_half(org, leader_user):
    sales = org.departments["Sales"].pk
    by_role = breakdown(report(leader_user, f"department={sales}"), "by_role")
    # Sales analysts S1 S3 S5 S6 S7 S8, tier now 3 3 2 1 0 0: Aware 4 of 6 (2 have not);
    # Informed 3 of 6 (3 have not: half, not most); Trained 2 of 6 (4 have not: most).
    assert by_role.rows[1][0] == "Analyst"
    assert by_role.rows[1][-1] == "Trained"


def test_small_department_is_suppressed_everywhere(org, leader_user):
    legal = org.departments["Legal"].pk
    adoption = report(leader_user, f"department={legal}&period=4w")
    assert adoption.headline == Headline(
        people=S,
        with_target=S,
        at_target=S,
        share=S,
        share_last_week=S,
        change=S,
        reached_this_week=S,
        fell_below_this_week=S,
        passed_this_week=[],
    )
    weeks = [date(2026, 10, 28), date(2026, 11, 4), date(2026, 11, 11), date(2026, 11, 18)]
    assert rows(adoption.trend) == [[week, S, S, S] for week in weeks]
    assert adoption.trend.summary == "Too few people in this view to show a trend."
    assert rows(adoption.funnel) == [
        ["Not started yet", S, None, S],
        ["1. Aware", S, S, S],
        ["2. Informed", S, S, S],
        ["3. Trained", S, S, S],
        ["4. Engaged", S, S, S],
        ["5. Champion", S, S, S],
    ]
    assert adoption.funnel.summary == "Too few people in this view to show the funnel."
    assert [rows(table) for table in adoption.breakdowns] == [
        [["Legal", *[S] * 9]],
        [["Agent", *[S] * 9], ["Analyst", *[S] * 9], ["Contractor", *[S] * 9]],
        [["Leeds", *[S] * 9], ["Lisbon", *[S] * 9]],
    ]
    assert rows(adoption.cohorts) == [
        ["Started before 2025 Q1", *[S] * 7],  # L1 L3 L4
        ["Started 2026 Q3", *[S] * 7],  # L2
    ]
    assert rows(adoption.curve) == [["Legal", S, S, S, S, S]]
    assert adoption.people is None


@pytest.mark.parametrize(
    "params",
    [
        "department=abc",
        "department=" + "9" * 5000,
        "department=-1",
        "department=1.0",
        "role=0x1",
        "location= 1 2",
        "period=5w",
    ],
)
def test_garbage_filters_answer_404(org, leader_user, params):
    with pytest.raises(Http404):
        report_scope(user=leader_user, staff=None, params=QueryDict(params))


def test_unknown_department_answers_404(org, leader_user):
    unknown = max(org.departments[name].pk for name in org.departments) + 1
    with pytest.raises(Http404):
        report_scope(user=leader_user, staff=None, params=QueryDict(f"department={unknown}"))


def test_superscript_digit_answers_404(org, leader_user):
    with pytest.raises(Http404):
        report_scope(user=leader_user, staff=None, params=QueryDict("department=%C2%B2"))


@pytest.mark.parametrize(
    "params",
    [
        "department={Legal}",  # nobody of Mara Quint's line is in Legal
        "role={Contractor}",  # nor a Contractor
        "line={L1}",  # Quinn Ash's line is not under Mara Quint
    ],
)
def test_manager_filters_outside_their_line_answer_404(org, params):
    values = {
        "Legal": org.departments["Legal"].pk,
        "Contractor": org.roles["Contractor"].pk,
        "L1": org.staff["L1"].pk,
    }
    with pytest.raises(Http404):
        report_scope(
            user=org.manager_user, staff=org.staff["S1"], params=QueryDict(params.format(**values))
        )


def test_manager_filter_inside_their_line(org):
    support = org.departments["Support"].pk
    adoption = report(org.manager_user, f"department={support}", staff=org.staff["S1"])
    assert adoption.headline.people is S  # Kai Dunn, Omar Fitz
    assert rows(adoption.people) == [
        ["Omar Fitz", "Support", "Analyst", "Informed", "Trained", "No"],
        ["Kai Dunn", "Support", "Agent", "Aware", "Aware", "Yes"],
    ]


# Cost


def test_a_fixed_number_of_queries(org, leader_user, django_assert_num_queries):
    # The organisation's two frames (people, periods) are kept per process and read again
    # only when the data's state moved: a request reads them "cold" or reuses them "warm".
    # Counted together: the scope (its filter lists come from the frames) and the report.
    def request():
        scope = report_scope(user=leader_user, staff=None, params=QueryDict("period=4w"))
        return adoption_report(scope=scope, now=NOW)

    request()  # the user's permissions are cached on the user object from here on
    frames_forget()
    with django_assert_num_queries(COLD):
        adoption = request()
    assert adoption.headline.people == 21
    with django_assert_num_queries(WARM):
        request()

    build_organisation(suffix=" II")  # as many people again, with the same periods
    assert TierAttainment.objects.count() == 2 * sum(map(len, ATTAINMENTS.values()))
    with django_assert_num_queries(COLD):  # the state moved: no forgetting needed
        adoption = request()
    assert adoption.headline.people == 42
    assert adoption.headline.at_target == 20
    with django_assert_num_queries(WARM):
        request()


def test_a_manager_report_adds_one_query_for_the_line(org, django_assert_num_queries):
    scope = report_scope(user=org.manager_user, staff=org.staff["S1"], params=QueryDict())
    frames_forget()
    # The report alone (the scope is built: no name lists, one state check), plus the line.
    # 12: state, people, waves?, periods, tiers, roles, 6 sections (pulse: whole organisation)
    report_only = 12
    with django_assert_num_queries(report_only + 1):
        adoption = adoption_report(scope=scope, now=NOW)
    assert adoption.headline.people == 7
    build_organisation(suffix=" II")  # another Mara Quint, with a line of her own
    with django_assert_num_queries(report_only + 1):
        adoption = adoption_report(scope=scope, now=NOW)
    assert adoption.headline.people == 7


def test_kept_numbers_follow_changes(org, leader_user):
    assert report(leader_user).headline.at_target == 10
    # Dev Shah leaves (a save: the directory's revision moves).
    org.staff["S4"].active = False
    org.staff["S4"].save()
    headline = report(leader_user).headline
    assert (headline.people, headline.with_target, headline.at_target) == (20, 18, 9)
    # Ivo Brandt reaches Aware on 17 Nov (a new attainment row): at target 10 of 18 again.
    TierAttainment.objects.create(
        staff=org.staff["S9"], tier=Tier.objects.get(name="Aware"), reached_at=at(11, 17)
    )
    headline = report(leader_user).headline
    assert (headline.at_target, headline.reached_this_week) == (10, 4)  # S9 U1 U3 N1


COLD = 17  # one state check (the scope's frames serve the report), people (and whether there
# are waves), periods,
WARM = 14  # 3 name lists, tiers, roles, the sections (sign-ins 1, waves 1, office hours 1,
# FAQ 1, champions 2, pulse 2); warm: the same without the people, the wave check and the periods
