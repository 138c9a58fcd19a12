"""Sign-in forms: allauth's, worded for people here, and a password reset that looks nobody up
while the person waits (the answer and its timing are the same for every address)."""

import uuid

from allauth.account.forms import LoginForm, ResetPasswordForm, ResetPasswordKeyForm
from allauth.core import context
from django import forms
from django.contrib.auth.forms import SetPasswordForm

from portal.outbox.dispatch import dispatch

from . import throttle

TOO_MANY_RESETS = (
    "Several reset links were asked for this address or from this network already. "
    "Check your inbox (and spam folder), or ask again {when}."
)


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Email or username"
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        password = self.fields["password"]
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)


class PasswordResetForm(ResetPasswordForm):
    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        wait = throttle.wait_seconds(context.request, action="reset_password", key=email.lower())
        if wait:
            raise forms.ValidationError(
                TOO_MANY_RESETS.format(when=throttle.in_words(wait)), code="throttled"
            )
        self.users = []  # looked up by the task, not here
        return email

    def save(self, request, **kwargs) -> str:
        from portal.tasks import password_reset_send  # the tasks module imports the services

        email = self.cleaned_data["email"]
        dispatch(password_reset_send, email=email, request_id=uuid.uuid4().hex)
        return email


class NewPasswordForm(ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "New password, again"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class LinkPasswordForm(SetPasswordForm):
    """The password a person chooses when they follow their sign-in link."""
