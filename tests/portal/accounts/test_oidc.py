"""OpenID Connect sign-in against a real provider (npm oidc-provider) on loopback."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.urls import reverse

from portal import permissions
from portal.factories import StaffFactory, UserFactory

from .conftest import browser, claims, oidc_sign_in

pytestmark = pytest.mark.django_db


def test_someone_in_the_directory_signs_in_with_one_click_and_lands_on_their_path(client, oidc):
    person = StaffFactory(email="Ana.Lima@Example.com", display_name="Ana Lima")
    oidc.accounts_set({"ana": claims("ana.lima@example.com")})
    landed = oidc_sign_in(client, "ana")
    assert landed.status_code == 302 and landed["Location"] == "/my-path/"
    person.refresh_from_db()
    assert person.user is not None and person.user.email == "ana.lima@example.com"
    assert not person.user.has_usable_password()
    assert client.get("/my-path/").status_code == 200
    account = SocialAccount.objects.get(user=person.user)
    assert account.provider == "company" and account.uid == "ana"


def test_the_sign_in_page_offers_the_button_with_the_configured_label(client, oidc):
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Contoso" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "company"}) in page


def test_the_first_sign_in_starts_on_my_path_later_ones_where_asked(client, oidc):
    person = StaffFactory(email="ana.lima@example.com")
    oidc.accounts_set({"ana": claims("ana.lima@example.com")})
    assert oidc_sign_in(client, "ana", next_url="")["Location"] == "/my-path/"
    client.post(reverse("account_logout"))
    assert oidc_sign_in(client, "ana", next_url="")["Location"] == "/"
    client.post(reverse("account_logout"))
    assert oidc_sign_in(client, "ana", next_url="/faq/")["Location"] == "/faq/"
    person.refresh_from_db()
    assert SocialAccount.objects.filter(user=person.user).count() == 1


def test_an_existing_password_account_is_linked_not_duplicated(client, oidc):
    user = UserFactory(email="ana.lima@example.com")
    person = StaffFactory(email="ana.lima@example.com", user=user)
    oidc.accounts_set({"ana": claims("ANA.LIMA@example.com")})
    assert oidc_sign_in(client, "ana")["Location"] == "/my-path/"
    assert SocialAccount.objects.get(provider="company").user == user
    person.refresh_from_db()
    assert person.user == user


def test_an_email_in_nobodys_directory_entry_is_refused_in_words(client, oidc):
    oidc.accounts_set({"eve": claims("eve@elsewhere.example")})
    refused = oidc_sign_in(client, "eve")
    assert refused.status_code == 403
    assert "could not find eve@elsewhere.example in the staff directory" in refused.content.decode()
    assert client.get("/my-path/").status_code == 302  # not signed in


def test_someone_who_left_is_refused(client, oidc):
    StaffFactory(email="gone@example.com", active=False)
    oidc.accounts_set({"gone": claims("gone@example.com")})
    refused = oidc_sign_in(client, "gone")
    assert refused.status_code == 403 and b"has left" in refused.content


def test_an_unverified_email_links_nothing(client, oidc):
    StaffFactory(email="ana.lima@example.com")
    oidc.accounts_set({"ana": claims("ana.lima@example.com", verified=False)})
    refused = oidc_sign_in(client, "ana")
    assert refused.status_code == 403 and b"did not confirm your email" in refused.content


def test_a_tampered_id_token_is_refused(client, oidc):
    StaffFactory(email="ana.lima@example.com")
    oidc.accounts_set({"ana": claims("ana.lima@example.com")})
    oidc.tamper_next_id_token()
    refused = oidc_sign_in(client, "ana")
    assert refused.status_code == 403
    assert b"could not be checked" in refused.content
    assert client.get("/my-path/").status_code == 302


def test_an_answer_replayed_into_another_session_is_refused(client, oidc, django_user_model):
    """The callback's state and nonce belong to the session that pressed the button."""
    StaffFactory(email="ana.lima@example.com")
    oidc.accounts_set({"ana": claims("ana.lima@example.com")})

    oidc_sign_in(client, "ana")
    stranger = browser()
    answer = stranger.get(
        reverse("openid_connect_callback", kwargs={"provider_id": "company"})
        + "?code=stolen&state=stolen"
    )
    assert answer.status_code == 403
    assert stranger.get("/my-path/").status_code == 302


def test_groups_from_the_provider_give_and_take_roles_at_each_sign_in(client, oidc, settings):
    settings.SSO_GROUPS_COMMUNITY_MANAGERS = ["advocacy-admins"]
    settings.SSO_GROUPS_LEADERS = ["execs"]
    person = StaffFactory(email="ana.lima@example.com")
    oidc.accounts_set({"ana": claims("ana.lima@example.com", groups=["advocacy-admins"])})
    oidc_sign_in(client, "ana")
    person.refresh_from_db()
    names = set(person.user.groups.values_list("name", flat=True))
    assert names == {permissions.COMMUNITY_MANAGERS}
    assert client.get(reverse("wagtailadmin_home")).status_code == 200

    client.post(reverse("account_logout"))
    oidc.accounts_set({"ana": claims("ana.lima@example.com", groups=["execs"])})
    oidc_sign_in(client, "ana")
    names = set(person.user.groups.values_list("name", flat=True))
    assert names == {permissions.LEADERS}


def test_roles_are_left_alone_when_no_groups_are_configured(client, oidc):
    person = StaffFactory(email="ana.lima@example.com")
    oidc.accounts_set({"ana": claims("ana.lima@example.com", groups=["advocacy-admins"])})
    oidc_sign_in(client, "ana")
    person.refresh_from_db()
    person.user.groups.add(Group.objects.get(name=permissions.LEADERS))
    client.post(reverse("account_logout"))
    oidc_sign_in(client, "ana")
    assert person.user.groups.filter(name=permissions.LEADERS).exists()
