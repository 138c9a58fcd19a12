"""The people who run the programme see every message the portal sent and what became of it,
resend a failed one, and find failures waiting on their dashboard; nobody sees a body."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.outbox.models import Message

pytestmark = pytest.mark.django_db
LIST = reverse("portal_outbox:index")


def message(key, state, **extra):
    return Message.objects.create(
        key=key,
        kind=extra.pop("kind", "officehours.confirmed"),
        to=extra.pop("to", f"{key}@example.com"),
        subject=extra.pop("subject", f"Subject {key}"),
        body="Your sign-in link: https://portal.example.com/accounts/welcome/SECRET/",
        state=state,
        next_attempt_at=timezone.now(),
        **extra,
    )


def test_the_list_shows_recipient_state_and_error_and_never_the_body(client, community_manager):
    message("ana", "sent", sent_at=timezone.now())
    message("bo", "failed", attempts=6, last_error="Attempt 6: SMTPDataError: (451, b'Busy')")
    client.force_login(community_manager)
    page = client.get(LIST).content.decode()
    assert "ana@example.com" in page and "bo@example.com" in page
    assert "SMTPDataError" in page
    assert "SECRET" not in page
    assert page.count(">Resend<") == 1  # only the failed one
    failed = client.get(LIST, {"state": "failed"}).content.decode()
    assert "bo@example.com" in failed and "ana@example.com" not in failed
    searched = client.get(LIST, {"q": "ana@"}).content.decode()
    assert "ana@example.com" in searched and "bo@example.com" not in searched


def test_a_failed_message_is_resent_and_the_list_says_so(client, community_manager):
    failed = message("bo", "failed", attempts=6, last_error="Busy")
    client.force_login(community_manager)
    back = f"{LIST}?state=failed"
    response = client.post(reverse("portal_outbox_resend", args=[failed.pk]), {"back": back})
    assert response.status_code == 302 and response.url == back
    failed.refresh_from_db()
    assert failed.state == "pending" and failed.attempts == 0 and failed.last_error == ""
    page = client.get(back, follow=True).content.decode()
    assert "goes again now" in page
    again = client.post(reverse("portal_outbox_resend", args=[failed.pk]), follow=True)
    assert "Only a failed message can be sent again" in again.content.decode()


def test_resend_goes_back_only_within_the_list(client, community_manager):
    failed = message("bo", "failed")
    client.force_login(community_manager)
    response = client.post(
        reverse("portal_outbox_resend", args=[failed.pk]), {"back": "https://evil.example/"}
    )
    assert response.url == LIST


@pytest.mark.parametrize("who", ["staff_user", "leader_user"])
def test_others_may_neither_read_nor_resend(client, request, who):
    failed = message("bo", "failed")
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code in (302, 403)
    response = client.post(reverse("portal_outbox_resend", args=[failed.pk]))
    assert response.status_code in (302, 403)
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_failures_wait_on_the_dashboard(client, community_manager):
    client.force_login(community_manager)
    assert "could not be delivered" not in client.get(reverse("wagtailadmin_home")).content.decode()
    message("bo", "failed")
    message("cy", "failed")
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 messages could not be delivered" in home
    assert f"{LIST}?state=failed" in home
