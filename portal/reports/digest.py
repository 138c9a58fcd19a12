"""The weekly adoption email: who gets it, and sending it once per person a week.

Leaders get it unless they turned it off; people managers (their own line) and community
managers once they turned it on. Each digest is the recipient's own default report, built
through the same `report_scope` as the page, so an email can never show more than its
recipient could open in the browser. Each PDF is rendered in a Celery task of its own and
the email goes through the outbox.
"""

import logging
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.content import Action, Content
from notifications.services import Email, notify

from ..navigation import absolute_url
from ..outbox.dispatch import dispatch
from ..outbox.services import File
from ..pdf import pdf_from_template
from ..people.models import Staff
from ..permissions import VIEW_REPORTS, can_view_reports
from .models import DigestDelivery, DigestSubscription
from .presentation import pdf_context
from .scope import may_see_reports, report_scope
from .selectors import Adoption, adoption_report
from .tables import PERCENT, POINTS, cell_text

logger = logging.getLogger(__name__)


def digest_status(*, user) -> dict:
    """Whether `user` gets the weekly email, and whether that is the default for them."""
    chosen = DigestSubscription.objects.filter(user=user).values_list("weekly", flat=True).first()
    default = can_view_reports(user)
    return {"weekly": default if chosen is None else chosen, "default": default}


def digest_subscribe(*, user, weekly: bool) -> None:
    DigestSubscription.objects.update_or_create(user=user, defaults={"weekly": weekly})


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the week `moment` falls in: the outbox's key."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def digest_recipients():
    """Active users with an email who get the digest: leaders who did not opt out, and
    anyone else who opted in (whether they may still see a report is checked at sending)."""
    app, codename = VIEW_REPORTS.split(".")
    leader = Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app
    ) | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app)
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    opted_out = DigestSubscription.objects.filter(weekly=False).values("user_id")
    opted_in = DigestSubscription.objects.filter(weekly=True).values("user_id")
    return users.filter((leader & ~Q(pk__in=opted_out)) | Q(pk__in=opted_in)).distinct()


def digest_send(*, now: datetime | None = None) -> int:
    """Fan this week's digests out, one task per person whose digest has not gone yet (a PDF
    each: rendering them all in one task would take minutes and outlive the broker's
    visibility timeout). Returns how many were handed out.

    The row for (person, week) is created once (a unique constraint), so the beat firing twice
    in a week queues nobody twice; each task claims its row before queueing the email."""
    now = now or timezone.now()
    week = week_of(now)
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(user=user, week=week) for user in digest_recipients()],
        ignore_conflicts=True,
    )
    from ..tasks import reports_digest_deliver

    pending = DigestDelivery.objects.filter(week=week, sent_at__isnull=True)
    handed = 0
    for delivery_id in pending.values_list("pk", flat=True):
        dispatch(reports_digest_deliver, delivery_id=delivery_id, as_of=now.isoformat())
        handed += 1
    logger.info("Weekly digest: %s handed to workers", handed)
    return handed


def digest_deliver(*, delivery_id: int, as_of: datetime) -> int:
    """Render one person's digest (as the week stood at `as_of`) and queue it, once: the row
    is claimed in the same transaction as the message is queued. 1 if it was queued."""
    delivery = DigestDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True).first()
    if delivery is None:
        return 0  # sent already (a task delivered twice)
    user = delivery.user
    files, subject, body = _message(user, as_of) or ((), "", "")
    with transaction.atomic():
        claimed = DigestDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).update(
            sent_at=as_of
        )
        if not claimed or not body:
            return 0
        notify(
            user=user,
            key=f"reports.digest:{delivery.pk}",
            content=Content(
                kind="reports.digest",
                title=subject,
                text="This week's adoption report is ready (the email has it as a PDF).",
                url=reverse("reports"),
                actions=(Action("Open the report", reverse("reports"), primary=True),),
            ),
            email=Email(subject=subject, body=body, files=files),
            now=as_of,
        )
    return 1


def _message(user, now: datetime) -> tuple[tuple[File, ...], str, str] | None:
    """The email for `user` (attachment, subject, body), or None when they may no longer see
    any report."""
    staff = Staff.objects.filter(user=user).first()
    if not may_see_reports(user, staff):
        return None
    try:
        scope = report_scope(user=user, staff=staff, params=QueryDict())
    except Http404:
        return None
    adoption = adoption_report(scope=scope, now=now)
    pdf = pdf_from_template(
        template_name="reports/pdf/adoption.html", context=pdf_context(adoption)
    )
    context = {
        "user": user,
        "adoption": adoption,
        "share": cell_text(adoption.headline.share, PERCENT),
        "change": cell_text(adoption.headline.change, POINTS),
        "url": absolute_url(reverse("reports")),
        "portal_name": settings.PORTAL_NAME,
    }
    pdf_file = File(f"adoption-{week_of(now).isoformat()}.pdf", pdf, "application/pdf")
    return (pdf_file,), _subject(adoption), render_to_string("reports/email/digest.txt", context)


def _subject(adoption: Adoption) -> str:
    headline = adoption.headline
    share = cell_text(headline.share, PERCENT)
    change = cell_text(headline.change, POINTS)
    return f"Adoption this week: {share} at target ({change}) – {adoption.scope.label}"
