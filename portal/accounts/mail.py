"""The emails sign-in sends, from Celery tasks (never while a person waits for a page)."""

import logging

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from portal.navigation import absolute_url
from portal.people.models import Staff

from .links import sign_in_link_url

logger = logging.getLogger(__name__)


def password_reset_mail_send(*, email: str) -> int:
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
        _send(user.email, "Reset your password", "accounts/email/password_reset.txt", url=url)
    if users:
        return len(users)
    staff = Staff.objects.filter(email__iexact=email, active=True, user__isnull=True).first()
    if staff is not None:
        return sign_in_link_mail_send(staff_id=staff.pk)
    return 0


def sign_in_link_mail_send(*, staff_id: int) -> int:
    """Email an active person a link to choose their password and sign in."""
    staff = Staff.objects.select_related("user").filter(pk=staff_id, active=True).first()
    if staff is None or not staff.email:
        return 0
    _send(
        staff.email,
        "Your sign-in link",
        "accounts/email/sign_in_link.txt",
        staff=staff,
        url=sign_in_link_url(staff),
    )
    logger.info("Sign-in link sent to staff %s", staff.pk)
    return 1


def _send(to: str, subject: str, template: str, **context) -> None:
    context["portal_name"] = settings.PORTAL_NAME
    send_mail(
        subject=f"{settings.PORTAL_NAME}: {subject}",
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[to],
    )
