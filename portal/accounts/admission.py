"""Who may sign in by single sign-on: the staff directory decides, not the identity provider.

The identity provider vouches for an email address; the directory says whether that address
belongs to someone who works here now. Each refusal is a sentence the person reads.
"""

from dataclasses import dataclass

from portal.people.models import Staff

EMAIL_NOT_VERIFIED = (
    "Your identity provider did not confirm your email address, so we cannot tell which "
    "member of staff you are. Ask your IT team to send a verified email claim."
)
NOT_IN_DIRECTORY = (
    "We could not find {email} in the staff directory, so there is no account for it here. "
    "If you joined recently, the directory may not have caught up yet: ask a community "
    "manager to check your entry."
)
LEFT = (
    "The staff directory lists {email} as someone who has left, so this account is closed. "
    "If that is a mistake, ask a community manager or HR to correct your entry."
)


@dataclass(frozen=True)
class Admission:
    staff: Staff | None
    refusal: str = ""


def sso_admission(*, email: str, email_verified: bool) -> Admission:
    """The directory entry a single sign-on with this email belongs to, or why there is none."""
    email = (email or "").strip()
    if not email or not email_verified:
        return Admission(None, EMAIL_NOT_VERIFIED)
    staff = Staff.objects.filter(email__iexact=email).select_related("user").first()
    if staff is None:
        return Admission(None, NOT_IN_DIRECTORY.format(email=email))
    if not staff.active:
        return Admission(None, LEFT.format(email=email))
    return Admission(staff)
