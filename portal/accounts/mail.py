"""The emails sign-in sends, queued from Celery tasks (never while a person waits for a page)
into the outbox, keyed by the request that asked, so a task that runs twice sends once."""

import logging

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from portal.navigation import absolute_url
from portal.outbox.services import message_queue
from portal.people.models import Staff

from .links import sign_in_link_url

logger = logging.getLogger(__name__)


def password_reset_mail_send(*, email: str, request_id: str) -> int:
    """A reset link to each active account with this email; for someone in the directory with
    no account yet, a sign-in link instead; nothing for an address we do not know. The person
    who asked saw the same page whichever it was. Returns how many emails went."""
    users = [
        user
        for user in get_user_model().objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
    ]
    for user in users:
        key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
        url = absolute_url(
            reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        ).replace("UID-KEY", key)
        _send(
            f"accounts.password_reset:{user.pk}:{request_id}",
            user.email,
            "Reset your password",
            "accounts/email/password_reset.txt",
            user=user,
            url=url,
        )
    if users:
        return len(users)
    staff = Staff.objects.filter(email__iexact=email, active=True, user__isnull=True).first()
    if staff is not None:
        return sign_in_link_mail_send(staff_id=staff.pk, request_id=request_id)
    return 0


def sign_in_link_mail_send(*, staff_id: int, request_id: str) -> int:
    """Email an active person a link to choose their password and sign in."""
    staff = Staff.objects.select_related("user").filter(pk=staff_id, active=True).first()
    if staff is None or not staff.email:
        return 0
    _send(
        f"accounts.sign_in_link:{staff.pk}:{request_id}",
        staff.email,
        "Your sign-in link",
        "accounts/email/sign_in_link.txt",
        staff=staff,
        url=sign_in_link_url(staff),
    )
    logger.info("Sign-in link queued for staff %s", staff.pk)
    return 1


def _send(key: str, to: str, subject: str, template: str, *, user=None, **context) -> None:
    context["portal_name"] = settings.PORTAL_NAME
    message_queue(
        key=key,
        kind=key.split(":", 1)[0],
        to=to,
        user=user,
        subject=f"{settings.PORTAL_NAME}: {subject}",
        body=render_to_string(template, context),
    )
