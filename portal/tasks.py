"""The portal's Celery tasks. Thin: each looks things up and calls a selector or service."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection

from .reports import digest
from .tiers import services


@shared_task
def worker_ping() -> dict:
    """Proves a worker is up and reads the same database as the web processes."""
    return {
        "database": connection.settings_dict["NAME"],
        "accounts": get_user_model().objects.count(),
    }


@shared_task
def tiers_recompute() -> dict:
    """Rebuild every tier attainment from the event log (nightly, and after tier edits)."""
    result = services.tier_attainments_recompute()
    return {"created": result.created, "deleted": result.deleted}


@shared_task
def reports_digest_send() -> int:
    """Weekly: each leader (and everyone who opted in) gets their adoption report as a PDF,
    once per week however many times this runs."""
    return digest.digest_send()


@shared_task
def rollout_invitations_send(wave_id: int) -> int:
    """A wave's invitations, one email per person however many times this runs."""
    from .rollout.services import invitations_send

    return invitations_send(wave_id=wave_id)


@shared_task
def password_reset_send(email: str) -> int:
    """The email behind "Forgotten your password?": looked up and sent here, not in the request,
    so the page answers the same, in the same time, for every address."""
    from .accounts.mail import password_reset_mail_send

    return password_reset_mail_send(email=email)


@shared_task
def sign_in_link_send(staff_id: int) -> int:
    """A community manager sent someone their sign-in link."""
    from .accounts.mail import sign_in_link_mail_send

    return sign_in_link_mail_send(staff_id=staff_id)
