"""Sign-in links: how someone in the directory gets in without single sign-on or anyone
creating an account for them. The link names the person and the state of their account, so it
works once (choosing a password changes that state) and for a limited time
(`SIGN_IN_LINK_MAX_AGE`). The same signing key as sessions; nothing stored."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from portal.navigation import absolute_url
from portal.people.models import Staff

SALT = "portal.accounts.sign-in-link"


def _state(staff: Staff) -> str:
    """Changes when the person's email, password or last sign-in does: each use ends a link."""
    user = staff.user
    account = (user.pk, user.password, user.last_login) if user else ()
    return salted_hmac(SALT, repr((staff.pk, staff.email.lower(), *account))).hexdigest()[:20]


def sign_in_link_token(staff: Staff) -> str:
    return signing.dumps({"s": staff.pk, "v": _state(staff)}, salt=SALT)


def sign_in_link_staff(token: str) -> Staff | None:
    """The active person a link is for, or None when it is forged, expired or used."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.SIGN_IN_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    staff = Staff.objects.select_related("user").filter(pk=data.get("s"), active=True).first()
    if staff is None or data.get("v") != _state(staff):
        return None
    return staff


def sign_in_link_url(staff: Staff) -> str:
    return absolute_url(reverse("sign_in_link", args=[sign_in_link_token(staff)]))


def sso_enabled() -> bool:
    providers = settings.SOCIALACCOUNT_PROVIDERS
    return any(providers.get(name, {}).get("APPS") for name in ("openid_connect", "saml"))


def sign_in_url_for(staff: Staff) -> str:
    """The address that gets this person in from an email: the sign-in page when they sign in
    by single sign-on or already have a password, else a sign-in link to choose one."""
    if (
        not settings.PASSWORD_SIGN_IN
        or sso_enabled()
        or (staff.user is not None and staff.user.has_usable_password())
    ):
        return absolute_url(f"{reverse('account_login')}?next={reverse('my_path')}")
    return sign_in_link_url(staff)
