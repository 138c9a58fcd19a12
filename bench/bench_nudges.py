"""The nudges over the whole bench organisation (issue 23: a nudge rule over 100,000 people runs
in a bounded number of queries; goal: `nudges_evaluate` ratio <= 1).

Set up, untimed, inside a transaction rolled back at the end (the bench data is left as it
was): an account for every person in the directory (one INSERT ... SELECT and one UPDATE), a
new FAQ entry for the largest role published two hours ago, a wave of everyone started an hour
ago with a sponsor's message (its members added a week before), and every nudge switched on
(email, the bench has no Slack).

Measured, against the floor of reading the event log once per person (`SELECT staff_id,
count(*) FROM events GROUP BY staff_id`, fully fetched, best of 3, this run):

- `nudges_evaluate`: the task as it runs every 15 minutes, in its steady state: each nudge's
  candidates computed for everyone (the people one step from Informed by the tier engine, the
  new entry's role and its readers, every manager's line from the report frames, the wave's
  members), and everyone who already had it within its interval left out. Best of 3.
- `nudges_evaluate_first`: the first run, which sends: every nudge's inbox rows and outbox
  messages for everyone it finds (the wave's message to the whole organisation among them).
  Once; no goal: it shows what a send to everyone costs.

The query counts of both are printed (`bench: nudges: ... queries`); they do not depend on
the number of people (`tests/notifications/test_nudge_candidates.py` pins them).
"""

from datetime import timedelta

from bench.harness import Context, say, timed


def _group_by_staff_seconds() -> float:
    from django.db import connection

    from portal.models import EngagementEvent

    meta, quote = EngagementEvent._meta, connection.ops.quote_name
    staff = quote(meta.get_field("staff").column)
    sql = f"SELECT {staff}, count(*) FROM {quote(meta.db_table)} GROUP BY {staff}"  # noqa: S608
    rows = []

    def query() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows[:] = cursor.fetchall()

    seconds = timed(query)
    say(f"nudges: the baseline GROUP BY staff read {len(rows)} people's counts")
    return seconds


def _accounts() -> int:
    """An account for every person without one, linked to them: two statements."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from portal.models import Staff

    users, staff = get_user_model()._meta.db_table, Staff._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {users} (password, is_superuser, username, first_name, last_name,"  # noqa: S608
            " email, is_staff, is_active, date_joined)"
            f" SELECT '!', %s, 'bench-' || employee_id, '', '', email, %s, %s, %s FROM {staff}"
            " WHERE user_id IS NULL",
            [False, False, True, timezone.now()],
        )
        made = cursor.rowcount
        cursor.execute(
            f"UPDATE {staff} SET user_id = (SELECT u.id FROM {users} u"  # noqa: S608
            f" WHERE u.username = 'bench-' || {staff}.employee_id) WHERE user_id IS NULL"
        )
    return made


def _faq_entry(now) -> int:
    """A new FAQ entry for the role with the most people; how many people have that role."""
    from django.db.models import Count

    from faq.factories import (
        FAQCategoryPageFactory,
        FAQEntryPageFactory,
        FAQIndexPageFactory,
    )
    from faq.models import FAQEntryPage, FAQIndexPage
    from portal.models import HomePage, Role

    role = Role.objects.annotate(n=Count("staff")).order_by("-n").first()
    index = FAQIndexPage.objects.first() or FAQIndexPageFactory(parent=HomePage.objects.first())
    entry = FAQEntryPageFactory(
        parent=FAQCategoryPageFactory(parent=index),
        title="How do I answer a customer in the community?",
        audiences=[role],
    )
    FAQEntryPage.objects.filter(pk=entry.pk).update(first_published_at=now - timedelta(hours=2))
    return role.n


def _wave(now) -> int:
    """Everyone active in one wave, planned a week ago and started an hour ago with a
    sponsor's message."""
    from portal.models import Staff
    from portal.people.services import directory_revise
    from portal.rollout.models import Wave, WaveMember

    wave = Wave.objects.create(
        name="Bench: everyone",
        starts_on=now.date(),
        sponsor_name="The bench sponsor",
        sponsor_message="Welcome to our community programme.",
        started_at=now - timedelta(hours=1),
    )
    WaveMember.objects.bulk_create(
        (
            WaveMember(wave=wave, staff_id=pk, source="list", status="member")
            for pk in Staff.objects.filter(active=True).values_list("pk", flat=True)
        ),
        batch_size=5000,
    )
    wave.members.update(added_at=now - timedelta(days=7))
    directory_revise()
    return wave.members.count()


def _analyze() -> None:
    """On PostgreSQL, statistics of what the set-up (and the first send) wrote, as autovacuum
    gathers them soon after a large write: in production accounts, the wave and the last run's
    rows are older than 15 minutes. Without them the planner, knowing no accounts, probes each
    person's attainments by index. Inside the transaction, rolled back with it. SQLite is not
    analysed (Django never does it)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _counted(fn):
    """`fn()` and how many queries it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return result, len(queries)


def run(ctx: Context) -> None:
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from notifications.models import Notification, NudgeRule
    from notifications.nudges import nudge_rules, nudges_evaluate
    from portal.outbox.models import Message
    from portal.reports.frames import frames_forget
    from portal.tiers.models import TierAttainment
    from portal.tiers.services import tier_attainments_recompute

    if not TierAttainment.objects.exists():
        say("nudges: no attainments yet; recomputing them once, as the nightly job would")
        tier_attainments_recompute()
    baseline = _group_by_staff_seconds()

    reverse("notifications_settings")  # the URLconf loaded, as in any worker that has run
    now = timezone.now()
    try:
        with transaction.atomic():
            say(f"nudges: {_accounts()} accounts made for the directory")
            say(f"nudges: a new FAQ entry for a role of {_faq_entry(now)} people")
            say(f"nudges: a wave of {_wave(now)} people started an hour ago")
            nudge_rules()
            NudgeRule.objects.update(enabled=True, channels=["email"])
            _analyze()

            start = timezone.now()
            sent, queries = _counted(lambda: nudges_evaluate(now=now))
            first = (timezone.now() - start).total_seconds()
            say(
                f"nudges: first run sent {sent} ({Notification.objects.count()} inbox rows, "
                f"{Message.objects.filter(kind__startswith='nudges.').count()} messages) "
                f"in {queries} queries"
            )
            ctx.report("nudges_evaluate_first", first, "s", baseline)
            _analyze()

            moments = iter(now + timedelta(minutes=15 * k) for k in range(1, 100))
            again, queries = _counted(lambda: nudges_evaluate(now=next(moments)))
            say(f"nudges: a run 15 minutes later sent {again} in {queries} queries")
            seconds = timed(lambda: nudges_evaluate(now=next(moments)))
            ctx.report("nudges_evaluate", seconds, "s", baseline)
            transaction.set_rollback(True)
    finally:
        frames_forget()  # the frames kept were read inside the rolled-back transaction
