"""The portal's Celery tasks. Thin: each looks things up and calls a selector or service."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection

from .celery import TRANSIENT
from .reports import digest
from .tiers import services


@shared_task(**TRANSIENT)
def worker_ping() -> dict:
    """Proves a worker is up and reads the same database as the web processes."""
    return {
        "database": connection.settings_dict["NAME"],
        "accounts": get_user_model().objects.count(),
    }


@shared_task(**TRANSIENT)
def tiers_recompute() -> dict:
    """Rebuild every tier attainment from the event log (nightly, and after tier edits)."""
    result = services.tier_attainments_recompute()
    return {"created": result.created, "deleted": result.deleted}


@shared_task(**TRANSIENT)
def reports_digest_send() -> int:
    """Weekly: each leader (and everyone who opted in) gets their adoption report as a PDF,
    once per week however many times this runs."""
    return digest.digest_send()


@shared_task(**TRANSIENT)
def reports_digest_deliver(delivery_id: int, as_of: str) -> int:
    """One person's weekly digest: its PDF rendered and the email queued, once."""
    from datetime import datetime

    return digest.digest_deliver(delivery_id=delivery_id, as_of=datetime.fromisoformat(as_of))


@shared_task(**TRANSIENT)
def reports_target_reminders_send() -> int:
    """The reminders managers queued for people not at their target: each sent once."""
    from .reports.reminders import target_reminders_send

    return target_reminders_send()


@shared_task(**TRANSIENT)
def rollout_invitations_send(wave_id: int) -> int:
    """A wave's invitations, one email per person however many times this runs."""
    from .rollout.services import invitations_send

    return invitations_send(wave_id=wave_id)


@shared_task(**TRANSIENT)
def password_reset_send(email: str, request_id: str) -> int:
    """The email behind "Forgotten your password?": looked up and sent here, not in the request,
    so the page answers the same, in the same time, for every address."""
    from .accounts.mail import password_reset_mail_send

    return password_reset_mail_send(email=email, request_id=request_id)


@shared_task(**TRANSIENT)
def sign_in_link_send(staff_id: int, request_id: str) -> int:
    """A community manager sent someone their sign-in link."""
    from .accounts.mail import sign_in_link_mail_send

    return sign_in_link_mail_send(staff_id=staff_id, request_id=request_id)


@shared_task(**TRANSIENT)
def outbox_deliver() -> int:
    """Send the messages that are due (after each change that queues some, and every minute)."""
    from .outbox.services import messages_deliver

    return messages_deliver()


@shared_task(**TRANSIENT)
def outbox_relay() -> int:
    """Publish the jobs a change asked for while the broker was down (every minute)."""
    from .outbox.dispatch import jobs_relay

    return jobs_relay()


@shared_task(**TRANSIENT)
def outbox_prune() -> int:
    """Forget sent messages older than OUTBOX_KEEP_DAYS (daily)."""
    from .outbox.services import messages_prune

    return messages_prune()


@shared_task(**TRANSIENT)
def people_pending_imports_sweep() -> int:
    """Forget staff-import previews nobody confirmed within a day (daily)."""
    from .people.importing.pending import pending_imports_sweep

    return pending_imports_sweep()


@shared_task(**TRANSIENT)
def privacy_erasure_carry_out(request_id: int) -> bool:
    """An approved erasure: the person's records removed or pseudonymised, then every text
    column checked for them (once, however many times this runs)."""
    from .privacy.erasure import erasure_carry_out

    return erasure_carry_out(request_id=request_id) is not None


@shared_task(**TRANSIENT)
def privacy_events_retention() -> int:
    """Strip the details of events older than EVENT_RETENTION_MONTHS (daily; off by default)."""
    from .privacy.retention import events_pseudonymise_old

    return events_pseudonymise_old()
