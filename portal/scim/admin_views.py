"""The admin's Provisioning screen: the SCIM tokens, the last calls, and the refusals by count.

For superusers only: a token lets its holder change anyone's place in the directory. A new
token is shown once, on the page that answers its creation, and never again (only its hash is
kept); nothing else on the screen names a person.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portal.permissions import require

from .models import ScimToken
from .selectors import scim_calls_recent, scim_errors_by_count
from .tokens import scim_token_create, scim_token_revoke

TEMPLATE = "scim/provisioning.html"


def is_superuser(user) -> bool:
    return user.is_authenticated and user.is_superuser


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which identity provider will use it, for example Entra ID or Okta.",
    )


@require(is_superuser)
@require_http_methods(["GET", "POST"])
def provisioning(request):
    """GET: the screen. POST: make a token and show it, once."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        _, new_token = scim_token_create(name=form.cleaned_data["name"], by=request.user)
        form = TokenForm()
    return render(
        request,
        TEMPLATE,
        {
            "page_title": "Provisioning",
            "header_title": "Provisioning (SCIM)",
            "header_icon": "key",
            "form": form,
            "new_token": new_token,
            "tokens": ScimToken.objects.all(),
            "calls": scim_calls_recent(),
            "errors": scim_errors_by_count(),
            "base_url": request.build_absolute_uri(reverse("scim_config")).removesuffix(
                "ServiceProviderConfig"
            ),
        },
        status=400 if request.method == "POST" and not new_token else 200,
    )


@require(is_superuser)
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ScimToken, pk=pk)
    if scim_token_revoke(token=token, by=request.user):
        messages.success(request, f"Token {token} revoked: calls with it are refused from now on.")
    else:
        messages.info(request, f"Token {token} was already revoked.")
    return redirect("scim_provisioning")
