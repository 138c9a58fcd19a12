"""Writes for the staff directory that are not the HR import."""

import uuid

from django.db import IntegrityError, transaction

from ..shared_cache import CachedFamily
from .models import DirectoryRevision, Staff

# Answers read from the directory on every page (who manages anyone, for the menu), kept in the
# cache and forgotten for every server whenever the directory changes.
directory_cached = CachedFamily("people:directory", 300)

# What a page says to someone signed in whose account matches nobody in the directory.
NOT_IN_DIRECTORY = (
    "Your account is not in the staff directory yet. Ask a community manager to add you."
)


def staff_link_user(*, user) -> Staff | None:
    """Link `user` to the active staff record with the same email, if it is still unclaimed.

    Called at sign-in. Returns the person's staff record, or None when the directory has no
    match (the person then sees an explanation instead of a path).
    """
    existing = Staff.objects.filter(user=user).first()
    if existing is not None or not user.email:
        return existing
    match = Staff.objects.filter(email__iexact=user.email, active=True, user__isnull=True).first()
    if match is None:
        return None
    try:
        with transaction.atomic():
            updated = Staff.objects.filter(pk=match.pk, user__isnull=True).update(user=user)
    except IntegrityError:  # this user was linked by a concurrent sign-in
        return Staff.objects.filter(user=user).first()
    return Staff.objects.get(pk=match.pk) if updated else Staff.objects.filter(user=user).first()


def staff_of_request(request) -> Staff | None:
    """The signed-in person's staff record (linked now if it could not be at sign-in), looked
    up once per request however many views, partials and helpers ask for it."""
    if not hasattr(request, "_portal_staff"):
        request._portal_staff = staff_link_user(user=request.user)
    return request._portal_staff


def directory_revise(**kwargs) -> None:
    """Mark the directory as changed (after an import, or any save or delete of a person, role,
    department or location; also a signal receiver, hence `**kwargs`)."""
    token = uuid.uuid4().hex
    if not DirectoryRevision.objects.filter(pk=1).update(token=token):
        DirectoryRevision.objects.get_or_create(pk=1, defaults={"token": token})
    directory_cached.forget()
