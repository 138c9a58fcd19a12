"""Writes about accounts: roles from the identity provider, access that follows the directory,
and the claim that makes a SAML assertion good for one sign-in only."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import permissions
from portal.people.models import Staff

from .models import SamlAssertion


def roles_sync(*, user, groups: set[str]) -> None:
    """Give `user` the Community managers and Leaders groups exactly when the identity provider
    lists them in a group named for it in settings; a role whose setting is empty is left to
    the admin. Runs at every single sign-on, so removal at the IdP removes the role here."""
    rules = {
        permissions.COMMUNITY_MANAGERS: settings.SSO_GROUPS_COMMUNITY_MANAGERS,
        permissions.LEADERS: settings.SSO_GROUPS_LEADERS,
    }
    for name, idp_groups in rules.items():
        if not idp_groups:
            continue
        group = Group.objects.get(name=name)
        if groups & set(idp_groups):
            user.groups.add(group)
        else:
            user.groups.remove(group)


def accounts_follow_directory(*, staff_ids: list[int] | None = None) -> int:
    """Accounts are active exactly while their person is active in the directory.

    Someone marked as left cannot sign in, and their open sessions end at their next request
    (Django loads no inactive user from a session); someone back in the directory is let in
    again. Set-based, for every person or the ones given; returns how many accounts changed.
    Accounts not linked to anybody (a break-glass superuser) are not touched.
    """
    people = Staff.objects.filter(user__isnull=False)
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    users = get_user_model().objects
    closed = users.filter(
        pk__in=people.filter(active=False).values("user_id"), is_active=True
    ).update(is_active=False)
    opened = users.filter(
        pk__in=people.filter(active=True).values("user_id"), is_active=False
    ).update(is_active=True)
    return closed + opened


def saml_assertion_claim(*, assertion_id: str, expires_at: datetime) -> bool:
    """Record that an assertion was used; False when it already was (a replay)."""
    SamlAssertion.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            SamlAssertion.objects.create(assertion_id=assertion_id, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


def sso_sign_in_complete(*, user, staff: Staff, groups: frozenset[str]) -> None:
    """After a single sign-on: the person's directory entry points at this account (the first
    time), and their roles follow the identity provider's groups."""
    if staff.user_id is None:
        Staff.objects.filter(pk=staff.pk, user__isnull=True).update(user=user)
    roles_sync(user=user, groups=set(groups))


def sign_in_link_redeem(*, token: str, password: str):
    """The person behind a sign-in link chooses a password: their account is created (or, if
    they had one, its password replaced) and linked to their directory entry. Returns the
    account, or None when the link was used meanwhile (checked again under the person's lock)."""
    from .links import sign_in_link_staff

    with transaction.atomic():
        found = sign_in_link_staff(token)
        if found is None:
            return None
        Staff.objects.select_for_update().filter(pk=found.pk).first()  # one redemption at a time
        staff = sign_in_link_staff(token)  # again, under the lock: another tab may have used it
        if staff is None:
            return None
        user = staff.user or account_unlinked(email=staff.email) or account_unsaved_for(staff)
        user.set_password(password)
        user.is_active = True
        user.save()
        if staff.user_id is None:
            Staff.objects.filter(pk=staff.pk).update(user=user)
    return user


def account_unlinked(*, email: str):
    """An existing account with this email that no directory entry claims yet (made by hand,
    before the directory knew the person), to be linked rather than duplicated."""
    return (
        get_user_model()
        .objects.filter(email__iexact=email, staff__isnull=True)
        .order_by("pk")
        .first()
    )


def account_unsaved_for(staff: Staff):
    """A new, unsaved account for someone in the directory, with a unique username."""
    from allauth.account.adapter import get_adapter

    first, _, last = staff.display_name.partition(" ")
    username = get_adapter().generate_unique_username([first, last, staff.email, "staff"])
    return get_user_model()(
        username=username, email=staff.email, first_name=first[:150], last_name=last[:150]
    )
