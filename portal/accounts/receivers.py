"""Signal receivers: each only hands over to a service."""

from .admission import sso_admission
from .identity import identity_of
from .services import sso_sign_in_complete


def sso_signed_in(sender, request, user, sociallogin=None, **kwargs):
    """After a single sign-on (allauth passes the `sociallogin`): link and sync roles."""
    if sociallogin is None:
        return
    identity = identity_of(sociallogin)
    staff = sso_admission(email=identity.email, email_verified=identity.email_verified).staff
    if staff is not None:
        sso_sign_in_complete(user=user, staff=staff, groups=identity.groups)
