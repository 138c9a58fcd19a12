"""Sign-in pages of our own: the sign-in page's one rule, sign-in links and the break-glass
page. Everything else (passwords, resets, SSO, second factors) is allauth's views."""

from allauth.account.adapter import get_adapter
from allauth.account.utils import perform_login
from allauth.account.views import LoginView
from allauth.account.views import password_reset as allauth_password_reset
from allauth.core.ratelimit import consume_or_429
from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .adapters import refusal
from .forms import LinkPasswordForm
from .links import sign_in_link_staff
from .services import account_unsaved_for, sign_in_link_redeem

LINK_SESSION_KEY = "portal_sign_in_link"
LINK_INVALID = (
    "This sign-in link has expired or was used already. Ask for a new one below: enter your "
    "work email on the password page and we will send a fresh link."
)
PASSWORDS_OFF = (
    "This portal signs people in through your company's single sign-on only, so there is no "
    "password to enter or reset here. Use the single sign-on button on the sign-in page."
)
NOT_A_SUPERUSER = "Those details do not match a superuser account."


class SignInView(LoginView):
    """The one sign-in page, for the site and the Wagtail admin alike.

    A person who is already signed in and is sent here with a `next` page was refused by that
    page (the Wagtail admin does this for people without admin access). Redirecting back would
    loop, so they get the 403 page, which says why. With PASSWORD_SIGN_IN=false the page offers
    single sign-on only and refuses a posted password.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.GET.get(REDIRECT_FIELD_NAME):
            raise PermissionDenied
        if request.method == "POST" and not settings.PASSWORD_SIGN_IN:
            return passwords_off(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_sign_in": settings.PASSWORD_SIGN_IN}


sign_in = SignInView.as_view()


def passwords_off(request):
    return refusal(request, PASSWORDS_OFF)


def password_reset(request):
    """allauth's "forgotten your password", unless passwords are off here."""
    if not settings.PASSWORD_SIGN_IN:
        return passwords_off(request)
    return allauth_password_reset(request)


@never_cache
@require_http_methods(["GET"])
def sign_in_link(request, token):
    """The link from an email: keep its token in the session and move to an address without
    it, so it cannot leak through the Referer header or the browser's history."""
    if not settings.PASSWORD_SIGN_IN:
        return passwords_off(request)
    request.session[LINK_SESSION_KEY] = token
    return redirect("sign_in_link_password")


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def sign_in_link_password(request):
    if not settings.PASSWORD_SIGN_IN:
        return passwords_off(request)
    token = request.session.get(LINK_SESSION_KEY, "")
    staff = sign_in_link_staff(token) if token else None
    if staff is None:
        return render(request, "accounts/link_invalid.html", {"message": LINK_INVALID}, status=400)
    user = staff.user or account_unsaved_for(staff)  # for the password checks
    form = LinkPasswordForm(user, request.POST or None)
    if request.method == "POST":
        limited = consume_or_429(request, action="reset_password_from_key")
        if limited:
            return limited
        if form.is_valid():
            user = sign_in_link_redeem(token=token, password=form.cleaned_data["new_password1"])
            del request.session[LINK_SESSION_KEY]
            if user is None:
                return render(
                    request, "accounts/link_invalid.html", {"message": LINK_INVALID}, status=400
                )
            return perform_login(request, user, redirect_url=reverse("my_path"))
    return render(
        request,
        "accounts/link_password.html",
        {"form": form, "staff": staff},
        status=400 if form.errors else 200,
    )


class BreakGlassForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # allauth's authenticate: the same throttle as every other password form.
        user = get_adapter(self.request).authenticate(
            self.request, username=data["username"], password=data["password"]
        )
        if user is None or not user.is_superuser:
            raise forms.ValidationError(NOT_A_SUPERUSER)
        self.user = user
        return data


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def break_glass(request):
    """When single sign-on is the only way in (PASSWORD_SIGN_IN=false) and the identity
    provider is down or misconfigured, a superuser can still sign in here with a password
    (and their second factor, when they have one). Nobody else can."""
    form = BreakGlassForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        next_url = request.POST.get(REDIRECT_FIELD_NAME, "")
        if not get_adapter(request).is_safe_url(next_url):
            next_url = reverse("wagtailadmin_home")
        return perform_login(request, form.user, redirect_url=next_url)
    return render(
        request,
        "accounts/break_glass.html",
        {"form": form, "next": request.GET.get(REDIRECT_FIELD_NAME, "")},
        status=400 if form.errors else 200,
    )
