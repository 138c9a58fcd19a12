"""Who may see what: the one permission module for views, htmx partials, exports and admin hooks.

Deny by default. Every URL needs a signed-in user unless its name is in `PUBLIC_URL_NAMES`;
a test walks every URL pattern and fails if one escapes. Beyond sign-in, two groups add powers:
*Community managers* run the programme (Wagtail admin, programme admin, named reports) and
*Leaders* read the adoption reports. Everyone else signed in is staff.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django.views.defaults import permission_denied
from django_htmx.http import HttpResponseClientRedirect
from wagtail.permission_policies.base import BasePermissionPolicy

COMMUNITY_MANAGERS = "Community managers"
LEADERS = "Leaders"

VIEW_REPORTS = "portal.view_reports"
RUN_PROGRAMME = "portal.run_programme"

# URL names (namespace:name) that answer without sign-in. Keep this list short and explained.
PUBLIC_URL_NAMES = frozenset(
    {
        "account_login",  # the sign-in page itself
        "account_inactive",  # "this account is closed", after signing in as someone who left
        "account_reset_password",  # "forgot your password" and the steps after the email
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "mfa_authenticate",  # the second factor, between the password and the session
        # Single sign-on: the button's target, and the addresses the identity provider sends
        # the person back to (their answers are signed; see portal.accounts).
        "openid_connect_login",
        "openid_connect_callback",
        "saml_login",
        "saml_acs",
        "saml_finish_acs",
        "saml_metadata",  # the IdP's administrator reads our SP metadata from here
        "saml_sls",
        "socialaccount_login_cancelled",
        "socialaccount_login_error",
        # A sign-in link from an email: the signed token in the address is the key.
        "sign_in_link",
        "sign_in_link_password",
        "break_glass",  # superusers' password sign-in when single sign-on is the only way
        "healthz",  # load balancer health check; says nothing but "ok"
        "readyz",  # load balancer readiness: each service named ok or failed, nothing more
        # Browsers report what the Content-Security-Policy blocked from every page, the sign-in
        # page included, with no session; it only logs, rate-limited (portal.csp_reports).
        "csp_report",
        # A person's office-hours calendar subscription: calendar apps send no session, so the
        # long random token in the address is the key (revocable; unknown tokens answer 404).
        "officehours_feed",
        # Anyone shown a training certificate (a customer, a recruiter) can check it is real:
        # the page shows the name, module and date, nothing else; unknown codes answer 404.
        "certificate_verify",
        "certificate_verify_form",
        # Notifications (notifications.links): a tracked link and one-click unsubscribe come from
        # a mail client or chat app with no session; the signed token names the one person and
        # kind or link. Slack signs its button callbacks and the Bot Framework its activities to
        # the Teams bot (each checked before anything is read).
        "notifications_go",
        "notifications_unsubscribe",
        "notifications_slack_actions",
        "notifications_teams_messages",
        # The identity provider provisions staff by SCIM 2.0 (portal.scim): it sends no session,
        # so a bearer token made by a superuser is the key (none or a revoked one: 401).
        "scim_config",
        "scim_resource_types",
        "scim_resource_type",
        "scim_schemas",
        "scim_schema",
        "scim_search",
        "scim_users",
        "scim_users_search",
        "scim_user",
        "scim_groups",
        "scim_groups_search",
        "scim_group",
        "scim_unknown",
        # Discourse posts community activity here: it sends no session, so the HMAC signature of
        # the body under a shared secret is the key (unsigned or wrongly signed: 401/403).
        "discourse_webhook",
    }
)


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's middleware, with the allowlist above as the only way out.

    Unlike the stock version, a `login_not_required` decorator does not exempt a view (Django's
    own auth views carry it): public URLs are named here, in one place, or not at all.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PUBLIC_URL_NAMES:
            return None
        return self.handle_no_permission(request, view_func)

    def get_login_url(self, view_func):
        # One sign-in page for everything, whatever a view's own decorator says.
        return settings.LOGIN_URL

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            # A partial swap of the login page into a fragment helps nobody: send the whole
            # window to sign in, then back to the page the person was on.
            next_url = request.htmx.current_url_abs_path or "/"
            login_url = resolve_url(self.get_login_url(view_func))
            return HttpResponseClientRedirect(
                f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
            )
        return super().handle_no_permission(request, view_func)


def can_view_reports(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_REPORTS)


def can_run_programme(user) -> bool:
    return user.is_authenticated and user.has_perm(RUN_PROGRAMME)


def can_edit_content(user) -> bool:
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def require(check: Callable[[object], bool]):
    """View decorator: the caller must pass `check(user)`, or gets 403 (styled, in words).

    The 403 is returned, not raised: inside the Wagtail admin a raised PermissionDenied would
    become a redirect to the dashboard, and the person would not learn why.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                return permission_denied(request, PermissionDenied())
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ProgrammePolicy(BasePermissionPolicy):
    """A Wagtail permission policy for the screens of the people who run the programme: they
    may do the `ALLOWED` actions, nobody else anything. Deny by default."""

    ALLOWED: frozenset[str] = frozenset({"view"})

    def user_has_permission(self, user, action):
        return action in self.ALLOWED and can_run_programme(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not self.ALLOWED.intersection(actions):
            return users.none()
        app, codename = RUN_PROGRAMME.split(".")
        granted = Permission.objects.filter(codename=codename, content_type__app_label=app)
        return users.filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=granted)
            | Q(groups__permissions__in=granted)
        ).distinct()
