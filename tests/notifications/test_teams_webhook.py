"""Teams to a channel: the card posted to a Teams Workflows webhook on loopback
(`tests.peers.teams`) in the envelope Teams takes, and every failure of the way mapped to what
the outbox does next (cards themselves: test_teams.py)."""

import pytest

from notifications.channels import errors, teams
from tests.notifications.teams_examples import BOOKING, NUDGE
from tests.notifications.test_teams import big
from tests.peers import free_port

# A channel, through the Workflows webhook ----------------------------------------------------


def test_a_channel_message_goes_to_the_workflow_in_its_envelope(teams_peer):
    card = teams.render(BOOKING)
    assert teams.send(to="channel", payload=card) == "webhook"
    (arrival,) = teams_peer.of("webhook")
    assert arrival.body == {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
    assert arrival.headers["Content-Type"] == "application/json; charset=utf-8"
    assert teams_peer.of("token") == []  # a webhook needs no token


def test_the_largest_card_fits_teams_message_limit_on_the_wire(teams_peer):
    teams.send(to="channel", payload=teams.render(big(80_000)))
    (arrival,) = teams_peer.of("webhook")
    assert int(arrival.headers["Content-Length"]) <= 28 * 1024


def test_no_webhook_is_a_permanent_failure(settings):
    settings.TEAMS_WEBHOOK_URL = ""
    with pytest.raises(errors.Permanent, match="TEAMS_WEBHOOK_URL is not set"):
        teams.send(to="channel", payload=teams.render(NUDGE))


def test_a_webhook_address_with_the_wrong_signature_is_refused_for_good(teams_peer, settings):
    settings.TEAMS_WEBHOOK_URL = settings.TEAMS_WEBHOOK_URL.replace("sig=test-sig", "sig=old")
    with pytest.raises(errors.Permanent, match=r"\(401\).*update TEAMS_WEBHOOK_URL") as failure:
        teams.send(to="channel", payload=teams.render(NUDGE))
    assert not isinstance(failure.value, teams.NotFound)


@pytest.mark.parametrize(
    ("status", "retry_after", "kind", "words"),
    [
        (429, "7", errors.Temporary, "slow down (429) for 7 seconds"),
        (429, None, errors.Temporary, "slow down (429)."),
        (500, None, errors.Temporary, "problem of its own (500)"),
        (503, "30", errors.Temporary, "problem of its own (503)"),
        (404, None, errors.Permanent, "turned off or deleted"),
        (403, None, errors.Permanent, "(403)"),
        (400, None, errors.Permanent, "refused the card (400"),
        (413, None, errors.Permanent, "too large (413)"),
    ],
)
def test_webhook_failures(teams_peer, status, retry_after, kind, words):
    teams_peer.fail("webhook", status, retry_after=retry_after)
    with pytest.raises(kind) as failure:
        teams.send(to="channel", payload=teams.render(NUDGE))
    assert type(failure.value) is kind  # never NotFound: a channel has no email to fall back to
    assert words in str(failure.value)
    if status == 429:
        assert failure.value.retry_after == (int(retry_after) if retry_after else None)


def test_retry_after_as_a_date(teams_peer):
    teams_peer.fail("webhook", 429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    with pytest.raises(errors.Temporary) as failure:
        teams.send(to="channel", payload=teams.render(NUDGE))
    assert failure.value.retry_after == 0  # a date passed: try again at the next turn


def test_a_webhook_slower_than_the_timeout_is_temporary(teams_peer, settings):
    settings.CHANNEL_TIMEOUT = 1
    teams_peer.delay("webhook", 5)
    with pytest.raises(errors.Temporary, match="did not answer within 1 seconds"):
        teams.send(to="channel", payload=teams.render(NUDGE))


def test_a_webhook_nobody_listens_on_is_temporary(settings):
    settings.TEAMS_WEBHOOK_URL = f"http://127.0.0.1:{free_port()}/workflows/teams?sig=x"
    with pytest.raises(errors.Temporary, match="could not be reached"):
        teams.send(to="channel", payload=teams.render(NUDGE))


def test_a_webhook_address_that_is_no_address_is_permanent(settings):
    settings.TEAMS_WEBHOOK_URL = "teams webhook goes here"
    with pytest.raises(errors.Permanent, match="address that cannot be used"):
        teams.send(to="channel", payload=teams.render(NUDGE))
