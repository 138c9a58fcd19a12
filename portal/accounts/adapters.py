"""Our rules behind django-allauth's adapters. Each method hands over to a selector or service.

- Nobody signs up: accounts come from the directory, by single sign-on or a sign-in link.
- Failed password sign-ins are throttled per account (username and email count as one) and
  per address, with a sentence that says when to try again.
- A single sign-on is admitted only for an active person whose verified email is in the
  directory; the OpenID Connect nonce must come back; a refusal is a page in words (403).
- After signing in, `next` is followed only within this site, at the request's scheme or better
  (`portal.redirects`).
"""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse

from ..redirects import url_is_ours
from . import throttle
from .admission import sso_admission
from .identity import identity_of, protocol_of
from .services import account_unlinked

TOO_MANY_SIGN_INS = (
    "Too many failed sign-ins for this account or from this network. For your security, "
    "signing in is paused: try again {when}."
)
SIGN_IN_FAILED = (
    "Single sign-on did not work: your identity provider's answer could not be checked, so "
    "we did not sign you in. Try again; if it keeps happening, tell your IT team."
)
CANCELLED = "Signing in was cancelled at your identity provider. You can start again below."
NONCE_MISMATCH = "The identity provider's answer did not belong to this sign-in."
NOT_THIS_ACCOUNT = (
    "This identity provider account is linked to a different member of staff here. Ask a "
    "community manager to check the staff directory."
)


def refusal(request, message: str, *, status: int = 403):
    return render(request, "account/sso_refused.html", {"message": message}, status=status)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def get_signup_redirect_url(self, request):
        """Someone's first sign-on made their account: their path is where they start."""
        return reverse("my_path")

    def is_safe_url(self, url):
        """allauth's host check (this host, ALLOWED_HOSTS, trusted origins) and the portal's
        scheme rule on top: a sign-in over https never sends the person on to http."""
        if not super().is_safe_url(url):
            return False
        host = urlsplit(url).netloc
        return url_is_ours(self.request, url, hosts={host} if host else None)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """One key per account, whether the person typed their username or their email, so
        switching between them buys no extra guesses. Unknown logins keep their own key."""
        login = (credentials.get("email") or credentials.get("username") or "").strip()
        user_id = (
            get_user_model()
            .objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .values_list("pk", flat=True)
            .first()
            if login
            else None
        )
        return f"user:{user_id}" if user_id is not None else f"login:{login.lower()}"

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            wait = throttle.wait_seconds(request, action="login_failed", key=key)
            raise forms.ValidationError(
                TOO_MANY_SIGN_INS.format(when=throttle.in_words(wait)),
                code="too_many_login_attempts",
            ) from None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        if protocol_of(sociallogin) == "openid_connect":
            returned = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce")
            if not returned or returned != sociallogin.state.get("nonce"):
                raise ImmediateHttpResponse(refusal(request, NONCE_MISMATCH))
        identity = identity_of(sociallogin)
        admission = sso_admission(email=identity.email, email_verified=identity.email_verified)
        if admission.refusal:
            raise ImmediateHttpResponse(refusal(request, admission.refusal))
        staff = admission.staff  # linked and given its roles after sign-in (`receivers`)
        if sociallogin.is_existing:
            if staff.user_id not in (None, sociallogin.user.pk):
                raise ImmediateHttpResponse(refusal(request, NOT_THIS_ACCOUNT))
            return
        user = staff.user or account_unlinked(email=identity.email)
        if user is not None:
            sociallogin.connect(request, user)

    def is_open_for_signup(self, request, sociallogin):
        return True  # only reached for people `pre_social_login` admitted

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        if error == AuthError.CANCELLED:
            raise ImmediateHttpResponse(refusal(request, CANCELLED, status=400))
        raise ImmediateHttpResponse(refusal(request, SIGN_IN_FAILED))
