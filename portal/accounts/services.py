"""Writes about accounts: roles from the identity provider, access that follows the directory,
and the claim that makes a SAML assertion good for one sign-in only."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import permissions
from portal.audit.services import record
from portal.people.models import Staff
from portal.privacy.models import ErasureRequest

from .models import SamlAssertion


def roles_sync(*, user, groups: set[str]) -> None:
    """Give `user` the Community managers and Leaders groups exactly when the identity provider
    lists them in a group named for it in settings; a role whose setting is empty is left to
    the admin. Runs at every single sign-on, so removal at the IdP removes the role here; a
    change is in the audit log."""
    rules = {
        permissions.COMMUNITY_MANAGERS: settings.SSO_GROUPS_COMMUNITY_MANAGERS,
        permissions.LEADERS: settings.SSO_GROUPS_LEADERS,
    }
    ruled = {name: set(idp) for name, idp in rules.items() if idp}
    if not ruled:
        return
    held = set(user.groups.filter(name__in=ruled).values_list("name", flat=True))
    wanted = {name for name, idp_groups in ruled.items() if groups & idp_groups}
    added, removed = wanted - held, (set(ruled) - wanted) & held
    if added:
        user.groups.add(*Group.objects.filter(name__in=added))
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added or removed:
        record(
            actor=None,  # the identity provider, through the portal, at sign-in
            action="access.changed",
            target=user,
            detail={
                "source": "identity provider",
                "changes": {"groups": [sorted(held), sorted((held - removed) | added)]},
            },
        )


def accounts_follow_directory(*, staff_ids: list[int] | None = None) -> int:
    """Accounts are active exactly while their person is active in the directory.

    Someone marked as left cannot sign in, and their open sessions end at their next request
    (Django loads no inactive user from a session); someone back in the directory is let in
    again. Set-based, for every person or the ones given; returns how many accounts changed.
    Accounts not linked to anybody (a break-glass superuser) are not touched, and neither are
    erased ones: their pseudonymous entry may stay active (the reports count it), the account
    stays closed.
    """
    people = Staff.objects.filter(user__isnull=False)
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    users = get_user_model().objects
    closed = users.filter(
        pk__in=people.filter(active=False).values("user_id"), is_active=True
    ).update(is_active=False)
    erased = ErasureRequest.objects.filter(
        state=ErasureRequest.State.DONE, user__isnull=False
    ).values("user_id")
    opened = (
        users.filter(pk__in=people.filter(active=True).values("user_id"), is_active=False)
        .exclude(pk__in=erased)
        .update(is_active=True)
    )
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
