"""Signing in with a password, and what guards it: throttling, enumeration-safe resets,
sign-in links for people without an account, the break-glass page and second factors."""

import base64
import hashlib
import hmac
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.links import sign_in_link_url
from portal.factories import StaffFactory, UserFactory
from portal.tasks import password_reset_send
from tests.outbox import delivered

PASSWORD = "correct-horse-battery-staple"


def _sign_in(client, login, password, next_url=""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login, "password": password})


def test_sign_in_with_the_right_password_goes_to_the_page_asked_for(client, staff_user):
    response = _sign_in(client, staff_user.username, PASSWORD, "/reports/")
    assert response.status_code == 302
    assert response["Location"] == "/reports/"


def test_sign_in_by_email_address_works_too(client, staff_user):
    response = _sign_in(client, staff_user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_password_says_so_and_keeps_the_login(client, staff_user):
    response = _sign_in(client, staff_user.username, "nope")
    assert response.status_code == 200
    assert b"The username and/or password you specified are not correct" in response.content
    assert f'value="{staff_user.username}"'.encode() in response.content


def test_sign_in_never_redirects_off_site(client, staff_user):
    response = _sign_in(client, staff_user.username, PASSWORD, "https://evil.example/")
    assert response["Location"] == "/"


def test_sign_out_is_a_post_and_ends_the_session(client, staff_user):
    client.force_login(staff_user)
    client.post(reverse("account_logout"))
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("login_as", ["username", "email"])
def test_after_five_wrong_passwords_even_the_right_one_is_refused_and_told_when(
    client, staff_user, login_as
):
    """20 wrong passwords: the first five are answered as wrong, the rest are throttled, and
    so is the right password, whether the person types their username or their email (one
    account, one count), from another address too."""
    logins = [staff_user.username, staff_user.email]
    answers = []
    for attempt in range(20):
        login = logins[attempt % 2] if login_as == "email" else staff_user.username
        answers.append(_sign_in(client, login, f"guess-{attempt}").content.decode())
    assert all("not correct" in answer for answer in answers[:5])
    assert all("Too many failed sign-ins" in answer for answer in answers[5:])
    assert "try again in 15 minutes" in answers[-1]
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    refused = _sign_in(elsewhere, staff_user.username, PASSWORD)
    assert refused.status_code == 200 and b"Too many failed sign-ins" in refused.content
    assert "_auth_user_id" not in elsewhere.session


def test_the_throttle_lifts_when_the_window_passes(client, staff_user, monkeypatch):
    for attempt in range(5):
        _sign_in(client, staff_user.username, f"guess-{attempt}")
    assert b"Too many" in _sign_in(client, staff_user.username, PASSWORD).content
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert _sign_in(client, staff_user.username, PASSWORD)["Location"] == "/"


def test_wagtail_admin_signs_in_on_the_same_throttled_page(client, superuser):
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("account_login") + "?next=/admin/")
    for attempt in range(6):
        answer = _sign_in(client, superuser.username, f"guess-{attempt}", "/admin/")
    assert b"Too many failed sign-ins" in answer.content


def test_password_reset_sends_the_link_from_the_task_and_it_works(
    client, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": staff_user.email})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(delivered()) == 1
    link = re.search(r"http://\S+(/accounts/password/reset/key/\S+)", delivered()[0].body)[1]
    form_url = client.get(link)["Location"]
    new = "a-brand-new-passphrase-42"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert Client().login(username=staff_user.username, password=new)
    assert client.get(form_url).status_code == 200  # the used link now says it expired
    assert b"already been used or has expired" in client.get(link, follow=True).content


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert delivered() == []


def test_password_reset_does_the_same_work_for_known_and_unknown_addresses(
    client, staff_user, django_capture_on_commit_callbacks
):
    """The request only validates and queues; the task looks the address up. So a known and
    an unknown address cost the request the same queries, none of them reads the address,
    and each queues one task: nothing in the answer's timing can tell them apart (compared
    by the work done, not by a clock). Each request comes from its own address so the throttle
    stays out of the way."""

    def work_for(email: str, n: int) -> tuple[list[str], int]:
        browser = Client(REMOTE_ADDR=f"198.51.100.{n}")
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as queued,
        ):
            response = browser.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 302
        return [q["sql"] for q in queries.captured_queries], len(queued)

    known = UserFactory(email="kai.present@example.com")
    work_for("warm.up@example.com", 1)  # the first request pays for imports and caches
    known_sql, known_tasks = work_for(known.email, 2)
    unknown_sql, unknown_tasks = work_for("nobody.here@example.com", 3)
    assert known_tasks == unknown_tasks == 1
    assert len(known_sql) == len(unknown_sql)
    # the address is only written, into the job that hands it to the worker
    reads = [
        sql for sql in known_sql + unknown_sql if not sql.startswith('INSERT INTO "portal_job"')
    ]
    assert not any("present@" in sql or "nobody.here@" in sql for sql in reads)


def test_too_many_reset_requests_for_one_address_are_refused_in_words(client, staff_user):
    for _ in range(3):
        client.post(reverse("account_reset_password"), {"email": staff_user.email})
    response = client.post(reverse("account_reset_password"), {"email": staff_user.email})
    assert response.status_code == 200
    assert b"ask again in 15 minutes" in response.content


def test_reset_task_sends_someone_without_an_account_their_sign_in_link(db):
    person = StaffFactory(email="new.starter@example.com")
    assert password_reset_send(person.email.upper(), request_id="one") == 1
    assert "/accounts/welcome/" in delivered()[0].body
    assert password_reset_send("gone@example.com", request_id="two") == 0


def test_a_sign_in_link_creates_the_account_once(client, db):
    person = StaffFactory(email="new.starter@example.com", display_name="Nia Starter")
    url = sign_in_link_url(person).removeprefix("http://127.0.0.1:8000")
    form = client.get(url, follow=True)
    assert form.status_code == 200 and b"Welcome, Nia Starter" in form.content
    assert url.split("/")[-2] not in form.redirect_chain[-1][0]  # the token left the address
    weak = client.post(
        reverse("sign_in_link_password"), {"new_password1": "x", "new_password2": "x"}
    )
    assert weak.status_code == 400 and b"too short" in weak.content
    new = "a-brand-new-passphrase-42"
    response = client.post(
        reverse("sign_in_link_password"), {"new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("my_path")
    person.refresh_from_db()
    assert person.user.email == "new.starter@example.com"
    assert person.user.check_password(new)
    again = Client().get(url, follow=True)
    assert again.status_code == 400 and b"expired or was used already" in again.content
    assert get_user_model().objects.filter(email__iexact=person.email).count() == 1


def test_a_sign_in_link_expires_and_cannot_be_forged(client, db, settings):
    person = StaffFactory()
    url = sign_in_link_url(person).removeprefix("http://127.0.0.1:8000")
    assert client.get(url[:-3] + "xx/", follow=True).status_code == 400
    settings.SIGN_IN_LINK_MAX_AGE = -1
    assert client.get(url, follow=True).status_code == 400


def test_a_sign_in_link_for_someone_who_left_does_not_work(client, db):
    person = StaffFactory()
    url = sign_in_link_url(person).removeprefix("http://127.0.0.1:8000")
    person.active = False
    person.save()
    assert client.get(url, follow=True).status_code == 400


def test_password_only_mode_hides_the_form_and_break_glass_admits_only_superusers(
    client, staff_user, superuser, settings
):
    settings.PASSWORD_SIGN_IN = False
    page = client.get(reverse("account_login"))
    assert b'name="password"' not in page.content
    assert b"Forgotten your password" not in page.content
    refused = _sign_in(client, staff_user.username, PASSWORD)
    assert refused.status_code == 403 and b"single sign-on only" in refused.content
    reset = client.post(reverse("account_reset_password"), {"email": staff_user.email})
    assert reset.status_code == 403 and delivered() == []
    link = sign_in_link_url(StaffFactory()).removeprefix("http://127.0.0.1:8000")
    assert client.get(link).status_code == 403
    refused = client.post(
        reverse("break_glass"), {"username": staff_user.username, "password": PASSWORD}
    )
    assert refused.status_code == 400 and b"do not match a superuser" in refused.content
    admitted = client.post(
        reverse("break_glass"), {"username": superuser.username, "password": PASSWORD}
    )
    assert admitted["Location"] == reverse("wagtailadmin_home")


def test_break_glass_is_throttled_like_every_password_form(client, superuser):
    for _ in range(5):
        client.post(reverse("break_glass"), {"username": superuser.username, "password": "x"})
    response = client.post(
        reverse("break_glass"), {"username": superuser.username, "password": PASSWORD}
    )
    assert response.status_code == 400 and b"Too many failed sign-ins" in response.content


def _totp(secret: str, at: float | None = None) -> str:
    """What an authenticator app shows (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30).to_bytes(8, "big")
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 10**6:06d}"


def test_superusers_must_set_up_a_second_factor_when_required_and_then_use_it(
    client, superuser, staff_user, settings
):
    settings.MFA_REQUIRED_FOR_ADMINS = True
    settings.MFA_TOTP_TOLERANCE = 1  # a code from either side of a 30 s step, as apps allow
    _sign_in(client, superuser.username, PASSWORD)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("my_path"))["Location"] == reverse("mfa_activate_totp")
    asked = client.get(reverse("mfa_activate_totp"))["Location"]  # allauth asks the password again
    assert asked.startswith(reverse("account_reauthenticate"))
    client.post(asked, {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)[1]
    client.post(reverse("mfa_activate_totp"), {"code": _totp(secret)})
    assert client.get("/admin/").status_code == 200

    again = Client()
    stage = _sign_in(again, superuser.username, PASSWORD)
    assert stage["Location"] == reverse("mfa_authenticate")
    assert again.get("/admin/")["Location"].startswith(reverse("account_login"))
    done = again.post(reverse("mfa_authenticate"), {"code": _totp(secret, time.time() - 30)})
    assert done.status_code == 302 and again.get("/admin/").status_code == 200

    other = Client()
    other.force_login(staff_user)  # not a superuser: nothing asked
    assert other.get(reverse("my_path")).status_code == 200


def test_community_managers_send_a_sign_in_link_from_the_directory(
    client, community_manager, staff_user, django_capture_on_commit_callbacks
):
    person = StaffFactory(email="new.starter@example.com")
    client.force_login(community_manager)
    listing = client.get(reverse("wagtailsnippets_portal_staff:list"))
    url = reverse("portal_staff_sign_in_link", args=[person.pk])
    assert url in listing.content.decode()
    assert b"will get an email at" in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url)
    assert sent["Location"] == reverse("wagtailsnippets_portal_staff:list")
    assert delivered()[0].to == ["new.starter@example.com"]
    assert "/accounts/welcome/" in delivered()[0].body

    client.force_login(staff_user)  # staff run no programme: the admin sends them away
    refused = client.post(url)
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_login"))
    assert len(delivered()) == 1


def test_wagtails_own_password_forms_are_not_a_way_around_the_throttle(client, superuser):
    """The admin's login and reset pages answer only through the portal's sign-in page, and a
    signed-in person changes their password on the throttled page, not in the admin."""
    for _ in range(6):
        client.post("/accounts/login/", {"login": superuser.username, "password": "guess"})
    answer = client.post("/admin/login/", {"username": superuser.username, "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    client.force_login(superuser)
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Change password" not in account


def test_the_security_keys_page_opens(client, staff_user):
    """allauth's security-key list loads Django's humanize tags (a 500 without them)."""
    client.force_login(staff_user)
    response = client.get("/accounts/2fa/webauthn/", follow=True)
    assert response.status_code == 200
