"""The demo champion programme: community activity, nominations, champions, and gaps.

Community activity arrives exactly as in production: signed Discourse deliveries through the
webhook view (signature, deduplication, matching by email or username, the review list for
strangers). Then colleagues nominate people, the strongest candidates in most departments are
champions, a few are invited, and two departments are left without one, so coverage has gaps
to show. Idempotent: an existing programme is left as it is.
"""

import contextlib
import hashlib
import hmac
import json
import random
from datetime import timedelta

from django.db.models import Count
from django.test import RequestFactory, override_settings
from django.utils import timezone

from portal.people.models import Staff
from portal.tiers.models import EngagementEvent

from .models import Champion, CommunityAccount, WebhookDelivery
from .services.nominations import NominationAlreadyMade, nomination_create
from .services.programme import champion_decide, champion_profile_update, champion_respond
from .webhook import discourse_webhook

DEMO_SECRET = "portal-demo-webhook-secret"  # noqa: S105  (signs the demo's own deliveries)
FOCUS = ["Security", "Billing questions", "Getting started", "Integrations", "Reporting", "APIs"]
REASONS = [
    "Answers questions in the community every week, patiently.",
    "Ran a great office hour on integrations.",
    "Always points customers to the right thread.",
    "Helped our whole team get started.",
]


def demo_seed(*, users: dict, rng: random.Random) -> bool:
    if Champion.objects.exists() or WebhookDelivery.objects.exists():
        return False
    people = list(Staff.objects.filter(active=True).select_related("department", "user"))
    if len(people) < 10:
        return False
    _deliveries_send(people, rng)
    _programme_seed(people, users, rng)
    return True


def _deliveries_send(people: list[Staff], rng: random.Random) -> None:
    """About 250 signed deliveries from the most active fifth, and a few from strangers."""
    active = rng.sample(people, max(5, len(people) // 5))
    for person in active[::2]:  # half of them are known by their community username
        CommunityAccount.objects.get_or_create(
            staff=person, defaults={"username": f"{person.employee_id.lower()}-community"}
        )
    accounts = dict(CommunityAccount.objects.values_list("staff_id", "username"))
    now = timezone.now()
    post_id = 1000
    factory = RequestFactory()
    with override_settings(DISCOURSE_WEBHOOK_SECRETS=[DEMO_SECRET]):
        for n in range(250):
            author = rng.choice(active)
            post_id += 1
            post = {
                "id": post_id,
                "post_number": 1 if rng.random() < 0.3 else rng.randint(2, 30),
                "topic_id": 500 + post_id % 60,
                "topic_slug": "community-question",
                "created_at": (now - timedelta(days=rng.uniform(0, 85))).isoformat(),
                "post_type": 1,
                "user_id": 10 + author.pk,
            }
            if author.pk in accounts:
                post["username"] = accounts[author.pk]
            else:
                post["email"] = author.email
            kind, event, body = "post", "post_created", {"post": post}
            if n % 5 == 4:
                kind, event, body = "solved", "accepted_solution", {"solved": post}
            _deliver(factory, f"demo-{n}", kind, event, body)
        for n in range(8):  # people we cannot place: they wait in the review list
            stranger = {
                "id": 9000 + n,
                "post_number": 2,
                "topic_id": 700,
                "created_at": (now - timedelta(days=n)).isoformat(),
                "post_type": 1,
                "user_id": 5000 + n,
                "username": f"newcomer{n}",
            }
            _deliver(factory, f"demo-stranger-{n}", "post", "post_created", {"post": stranger})


def _deliver(factory, event_id, kind, event, body) -> None:
    raw = json.dumps(body).encode()
    signature = hmac.new(DEMO_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    request = factory.post(
        "/webhooks/discourse/",
        data=raw,
        content_type="application/json",
        headers={
            "X-Discourse-Event-Signature": f"sha256={signature}",
            "X-Discourse-Event-Id": event_id,
            "X-Discourse-Event-Type": kind,
            "X-Discourse-Event": event,
            "X-Discourse-Instance": "https://community.example.com",
        },
    )
    response = discourse_webhook(request)
    if response.status_code != 200:
        raise RuntimeError(f"demo delivery {event_id} refused: {response.content!r}")


def _programme_seed(people: list[Staff], users: dict, rng: random.Random) -> None:
    from .selectors import champion_candidates

    by_pk = {p.pk: p for p in people}
    # People whose history says they joined the programme are its longest-serving champions.
    Champion.objects.bulk_create(
        [
            Champion(staff_id=staff_id, status=Champion.Status.ACTIVE, active_since=joined)
            for staff_id, joined in EngagementEvent.objects.filter(
                kind="champion_joined", staff_id__in=list(by_pk)
            ).values_list("staff_id", "occurred_at")
        ],
        ignore_conflicts=True,
    )
    # The longest-serving of them (not a demo sign-in) has moved on: an alumna, out of the
    # Champion tier too.
    veteran = (
        Champion.objects.filter(status=Champion.Status.ACTIVE, staff__user__isnull=True)
        .order_by("active_since")
        .select_related("staff")
        .first()
    )
    if veteran is not None:
        champion_decide(staff=veteran.staff, decision="retire", by=users.get("editor"))
    contributors = [
        by_pk[pk]
        for pk, _ in Staff.objects.filter(events__kind="community_contributed", active=True)
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .values_list("pk", "n")[:40]
        if pk in by_pk
    ]
    sam = next((p for p in people if p.user_id and p.user.username == "staff"), None)
    pairs = [(rng.choice(people), nominee, rng.choice(REASONS)) for nominee in contributors[:15]]
    if sam is not None and sam.manager_id:
        pairs.append((sam.manager, sam, REASONS[2]))
    if sam is not None:  # the demo's member of staff has nominations of their own to follow
        pairs += [(sam, nominee, REASONS[i]) for i, nominee in enumerate(contributors[:2])]
    for nominator, nominee, reason in pairs:
        # A pair drawn twice (the manager drawn for Sam, say) records one nomination.
        with contextlib.suppress(NominationAlreadyMade):
            nomination_create(nominator=nominator, nominee=nominee, reason=reason)

    editor = users.get("editor")
    departments = sorted({p.department_id for p in people if p.department_id})
    left_without = set(departments[-2:])  # coverage gaps to show
    chosen, per_department = [], {}
    for candidate in champion_candidates(limit=60):
        department = candidate.staff.department_id
        if department in left_without or per_department.get(department, 0) >= 2:
            continue
        per_department[department] = per_department.get(department, 0) + 1
        chosen.append(candidate.staff)
    for i, staff in enumerate(chosen):
        champion_decide(staff=staff, decision="invite", by=editor)
        if i % 4 == 3:
            continue  # still thinking about it: invited
        champion_respond(staff=staff, accept=True)
        if i % 3 != 2:
            champion_profile_update(
                staff=staff,
                public=True,
                focus_areas=", ".join(rng.sample(FOCUS, 2)),
                bio="Happy to help you get started in the community.",
            )
