"""MFA_REQUIRED_FOR_ADMINS: a superuser who signs in with a password must add a second factor
(an authenticator app or a security key, through allauth's pages) before anything else. People
who sign in by single sign-on get their second factor from the identity provider."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

# What a superuser without a second factor may still reach: setting one up, and signing out.
SET_UP_VIEWS = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
    }
)


SET_UP_FIRST = (
    "Administrators here sign in with a second factor. Set up an authenticator app (or a "
    "security key from Two-step sign-in) to continue."
)


def mfa_required(user) -> bool:
    return (
        settings.MFA_REQUIRED_FOR_ADMINS
        and user.is_authenticated
        and user.is_superuser
        and user.has_usable_password()
        and not is_mfa_enabled(user)
    )


class AdminsSetUpMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in SET_UP_VIEWS or not mfa_required(request.user):
            return None
        messages.info(request, SET_UP_FIRST)
        return redirect("mfa_activate_totp")
