"""Signing in and out, and getting back in after forgetting a password."""

import re

from django.core import mail
from django.urls import reverse


def test_sign_in_with_the_right_password_goes_to_the_page_asked_for(client, staff_user):
    response = client.post(
        reverse("login") + "?next=/reports/",
        {"username": staff_user.username, "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/reports/"


def test_wrong_password_says_so_and_keeps_the_username(client, staff_user):
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert f'value="{staff_user.username}"'.encode() in response.content


def test_sign_in_never_redirects_off_site(client, staff_user):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": staff_user.username, "password": "correct-horse-battery-staple"},
    )
    assert response["Location"] == "/"


def test_sign_out_is_a_post_and_ends_the_session(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_password_reset_by_email_end_to_end(client, staff_user):
    client.post(reverse("password_reset"), {"email": staff_user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "a-brand-new-passphrase-42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("password_reset_complete")
    assert client.login(username=staff_user.username, password=new)


def test_password_reset_for_unknown_email_tells_nothing_away(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
