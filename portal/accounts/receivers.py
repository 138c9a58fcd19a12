"""Signal receivers: each only hands over to a service."""

from .identity import identity_of
from .services import sso_sign_in_complete


def sso_signed_in(sender, request, user, sociallogin=None, **kwargs):
    staff = getattr(sociallogin, "portal_staff", None)
    if staff is not None:
        sso_sign_in_complete(user=user, staff=staff, groups=identity_of(sociallogin).groups)
