"""The Slack channel: Block Kit as Slack accepts it (checked structurally here and by the
capture server, not by Slack's own renderer), sending with the real slack-sdk client to a
Slack Web API on loopback (`tests.peers.slack`), and answers to button presses (whether Slack
signed a press: test_slack_signature.py).

Slack itself is not reachable here: how its apps draw these blocks, its real rate limits and
its token scopes are not tested (see the peer's docstring)."""

import json
import re
import time

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from notifications.channels import slack
from notifications.channels.errors import Permanent, Temporary
from notifications.content import Action, Content
from tests.examples import examples
from tests.peers import free_port
from tests.peers.slack import blocks_problems

ANA, ANA_ID = "ana.lima@example.com", "U0ANALIMA"
CHANNEL = "C0PORTAL01"

HOSTILE = "Tom & Jerry <!channel> <@U0BOSS> <https://evil.example|your bank> <#C0SECRET>"


def content(**overrides) -> Content:
    fields = {
        "kind": "officehours.confirmed",
        "title": "Your seat is booked",
        "text": "See you on Thursday.\n\nBring a question from a customer.",
        "url": "https://portal.example/n/c/abc?to=%2Fofficehours%2F1&sig=x",
        "facts": (("When", "Thu 4 Mar, 10:00-10:45 (Tokyo)"), ("Host", "Ana Lima")),
        "actions": (
            Action("Not now", "https://portal.example/n/a/1", action_id="not_now", value="s1"),
            Action("Book this session", "https://portal.example/b", "book", "s2", primary=True),
            Action("Open the FAQ", "https://portal.example/faq/"),
        ),
    }
    return Content(**{**fields, **overrides})


def texts(payload: dict) -> list[dict]:
    """Every text object in the message, with the block type it sits in."""
    found = []
    for block in payload["blocks"]:
        for key in ("text",):
            if key in block:
                found.append({**block[key], "block": block["type"]})
        for item in block.get("fields", ()):
            found.append({**item, "block": "fields"})
        for element in block.get("elements", ()):
            found.append({**element["text"], "block": "button"})
    return found


def assert_valid(payload: dict) -> None:
    assert set(payload) == {"text", "blocks"}
    assert isinstance(payload["text"], str) and payload["text"]
    assert blocks_problems(payload["blocks"]) == []
    json.dumps(payload)  # stored on the outbox row as JSON


# Rendering ------------------------------------------------------------------------------------


def test_a_message_has_its_title_text_facts_and_buttons_in_order():
    payload = slack.render(content())
    assert_valid(payload)
    title, text, facts, actions = payload["blocks"]
    assert payload["text"] == "Your seat is booked"
    # the title links to the one place the message is about (& escaped as Slack asks)
    assert title["text"]["text"] == (
        "*<https://portal.example/n/c/abc?to=%2Fofficehours%2F1&amp;sig=x|Your seat is booked>*"
    )
    assert text["text"] == {
        "type": "mrkdwn",
        "text": "See you on Thursday.\n\nBring a question from a customer.",
        "verbatim": True,
    }
    assert [f["text"] for f in facts["fields"]] == [
        "*When*\nThu 4 Mar, 10:00-10:45 (Tokyo)",
        "*Host*\nAna Lima",
    ]
    assert actions["type"] == "actions"


def test_without_a_url_the_title_is_a_header_in_plain_text():
    payload = slack.render(content(url="", title="Q&A <tomorrow>", facts=(), actions=()))
    assert_valid(payload)
    header, _text = payload["blocks"]
    # plain text is never parsed for links or mentions: shown as typed
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Q&A <tomorrow>", "emoji": True},
    }
    assert payload["text"] == "Q&amp;A &lt;tomorrow&gt;"  # the fallback is mrkdwn


def test_a_url_that_is_no_web_address_is_not_linked():
    payload = slack.render(content(url="javascript:alert(1)"))
    assert payload["blocks"][0]["type"] == "header"


def test_interactive_buttons_carry_their_action_and_link_buttons_their_url(settings):
    settings.SLACK_SIGNING_SECRET = "set"  # noqa: S105 - presses can reach the portal
    (actions,) = [b for b in slack.render(content())["blocks"] if b["type"] == "actions"]
    not_now, book, faq = actions["elements"]
    assert not_now == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Not now", "emoji": True},
        "action_id": "not_now",
        "value": "s1",
    }  # no url (pressing it is answered in place), no style
    assert book["action_id"] == "book" and book["value"] == "s2" and book["style"] == "primary"
    assert "url" not in book
    assert faq == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Open the FAQ", "emoji": True},
        "url": "https://portal.example/faq/",
    }


def test_buttons_slack_would_refuse_are_left_out(settings):
    settings.SLACK_SIGNING_SECRET = "set"  # noqa: S105
    actions = (
        Action("Evil", "javascript:alert(1)"),
        Action("Long id", "", action_id="x" * 256),
        Action("Long value", "", action_id="book", value="v" * 2001),
        Action("   ", "https://portal.example/"),
        Action("Kept", "https://portal.example/kept"),
    )
    (block,) = [
        b for b in slack.render(content(actions=actions))["blocks"] if b["type"] == "actions"
    ]
    assert [b["text"]["text"] for b in block["elements"]] == ["Kept"]


def test_without_the_signing_secret_a_button_is_its_link_or_left_out(settings):
    settings.SLACK_SIGNING_SECRET = ""  # Slack could not reach the portal with a press
    (actions,) = [b for b in slack.render(content())["blocks"] if b["type"] == "actions"]
    assert [(b["text"]["text"], b.get("url"), "action_id" in b) for b in actions["elements"]] == [
        ("Not now", "https://portal.example/n/a/1", False),
        ("Book this session", "https://portal.example/b", False),
        ("Open the FAQ", "https://portal.example/faq/", False),
    ]
    linkless = content(actions=(Action("Not now", "", action_id="not_now", value="s1"),))
    assert not [b for b in slack.render(linkless)["blocks"] if b["type"] == "actions"]


def test_a_repeated_action_id_goes_into_its_own_actions_block(settings):
    settings.SLACK_SIGNING_SECRET = "set"  # noqa: S105
    actions = tuple(Action(f"Book {n}", "", action_id="book", value=str(n)) for n in range(3))
    payload = slack.render(content(actions=actions))
    assert_valid(payload)
    blocks = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert [[e["value"] for e in b["elements"]] for b in blocks] == [["0"], ["1"], ["2"]]


def test_user_text_cannot_form_a_link_or_a_mention():
    payload = slack.render(
        content(
            title=HOSTILE,
            text=f"{HOSTILE}\n\nhttps://evil.example/bare",
            facts=((HOSTILE, HOSTILE),),
            actions=(Action(HOSTILE, "https://portal.example/ok"),),
        )
    )
    assert_valid(payload)
    escaped = (
        "Tom &amp; Jerry &lt;!channel&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|your bank&gt; "
        "&lt;#C0SECRET&gt;"
    )
    assert payload["text"] == escaped
    title, text, facts, _ = payload["blocks"]
    assert (
        title["text"]["text"]
        == f"*<https://portal.example/n/c/abc?to=%2Fofficehours%2F1&amp;sig=x|{escaped}>*"
    )
    assert text["text"]["text"] == f"{escaped}\n\nhttps://evil.example/bare"
    assert facts["fields"][0]["text"] == f"*{escaped}*\n{escaped}"
    for item in texts(payload):
        if item["type"] == "mrkdwn":
            # verbatim: Slack does not turn bare URLs, #channels or @names into links
            assert item["verbatim"] is True
            # the only <...> is the title's link to our own address
            links = re.findall(r"<[^>]*>", item["text"])
            assert links in (
                [],
                [
                    "<https://portal.example/n/c/abc?to=%2Fofficehours%2F1&amp;sig=x|"
                    + escaped
                    + ">"
                ],
            )
    # a button's label is plain text: shown as typed, never parsed (cut to 75 characters)
    (button,) = payload["blocks"][-1]["elements"]
    assert button["text"]["type"] == "plain_text" and button["text"]["text"].startswith(
        "Tom & Jerry <!channel>"
    )


def test_every_part_is_cut_to_slacks_limits_with_an_ellipsis():
    payload = slack.render(
        content(
            url="",
            title="T" * 200,
            text="word " * 2000,  # 10,000 characters, one paragraph
            facts=tuple((f"Fact {n}", "v" * 2500) for n in range(23)),
            actions=tuple(Action("B" * 100, f"https://portal.example/{n}") for n in range(30)),
        )
    )
    assert_valid(payload)
    header = payload["blocks"][0]["text"]["text"]
    assert len(header) == 150 and header.endswith("…")
    sections = [b["text"]["text"] for b in payload["blocks"][1:] if "text" in b]
    assert len(sections) == 4 and all(len(s) <= 3000 for s in sections)
    assert " ".join(sections).split() == ["word"] * 2000  # split at spaces, nothing lost
    fields = [b["fields"] for b in payload["blocks"] if "fields" in b]
    assert [len(f) for f in fields] == [10, 10, 3]
    assert all(
        len(f["text"]) == 2000 and f["text"].endswith("…") for group in fields for f in group
    )
    (actions,) = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert len(actions["elements"]) == 25
    assert all(len(e["text"]["text"]) == 75 for e in actions["elements"])
    assert actions["elements"][0]["text"]["text"].endswith("…")


def test_text_longer_than_fifty_blocks_hold_ends_with_an_ellipsis():
    payload = slack.render(content(text="\n\n".join(["x" * 2999] * 60)))
    assert_valid(payload)
    assert len(payload["blocks"]) == 50
    sections = [b["text"]["text"] for b in payload["blocks"][1:] if "text" in b]
    assert len(sections) == 50 - 1 - 1 - 1  # title, facts, actions
    assert sections[-1].endswith("…") and len(sections[-1]) <= 3000
    assert all(s == "x" * 2999 for s in sections[:-1])


ESCAPED = r"([^&<>]|&amp;|&lt;|&gt;)*"  # every & starts one of the three entities
LINKED_TITLE = re.compile(r"\*<https://portal\.example/[^|<>]*\|(?P<label>.*)>\*", re.DOTALL)


@hypothesis_settings(max_examples=examples(300), deadline=None)
@given(
    st.text(alphabet="&<>ab \n", min_size=0, max_size=9000),
    st.text(alphabet="&<>a ", min_size=1, max_size=400).filter(str.strip),
    st.text(alphabet="&<>a ", min_size=1, max_size=2500).filter(str.strip),
)
def test_cutting_never_splits_an_entity(text, title, value):
    payload = slack.render(content(text=text, title=title, facts=(("What", value),)))
    assert_valid(payload)
    for item in texts(payload):
        if item["type"] == "mrkdwn":
            shown = item["text"]
            if linked := LINKED_TITLE.fullmatch(shown):
                shown = linked["label"]
            # none cut in two, none left raw; an ellipsis only at the end
            assert re.fullmatch(ESCAPED + "…?", shown.replace("\n", " ")), shown[-12:]
    shown = "\n\n".join(b["text"]["text"] for b in payload["blocks"][1:] if "text" in b)
    unescaped = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped.split() == text.split()  # all of it, in order (it fits)


@pytest.mark.parametrize("before", [146, 147, 148, 149])
def test_a_linked_title_is_cut_before_an_entity_not_inside_it(before):
    title = "a" * before + "&" + "b" * 50
    label = LINKED_TITLE.fullmatch(slack.render(content(title=title))["blocks"][0]["text"]["text"])
    assert re.fullmatch(ESCAPED + "…", label["label"])
    assert len(label["label"]) <= 150


@pytest.mark.parametrize("lead", ["", "a", "aa", "aaa", "aaaa"])
def test_a_long_word_is_split_between_entities(lead):
    text = lead + "&" * 1000  # 5,000 escaped characters and no space to cut at
    payload = slack.render(content(text=text))
    assert_valid(payload)
    sections = [b["text"]["text"] for b in payload["blocks"][1:] if "text" in b]
    assert len(sections) == 2
    assert all(re.fullmatch(ESCAPED, s) for s in sections)
    assert "".join(sections).replace("&amp;", "&") == text


def test_a_notification_without_a_title_is_a_mistake_found_when_it_is_queued():
    with pytest.raises(ValueError, match="title"):
        slack.render(content(title="  "))


# Sending --------------------------------------------------------------------------------------


@pytest.fixture
def peer(slack_server, settings):
    slack_server.users[ANA] = ANA_ID
    slack_server.channels.add(CHANNEL)
    settings.CHANNEL_TIMEOUT = 5
    return slack_server


def test_a_person_gets_a_direct_message_found_by_their_email(peer):
    payload = slack.render(content())
    ts = slack.send(to=ANA, payload=payload)
    (lookup,) = peer.calls_to("users.lookupByEmail")
    assert lookup.body["email"] == ANA and lookup.token == peer.token
    (post,) = peer.calls_to("chat.postMessage")
    assert post.token == peer.token
    assert post.body["channel"] == ANA_ID  # posting to the user id opens the DM
    assert post.body["text"] == payload["text"] and post.body["blocks"] == payload["blocks"]
    assert post.body["unfurl_links"] is False and post.body["unfurl_media"] is False
    assert peer.messages == [post.body]
    assert re.fullmatch(r"\d+\.\d{6}", ts)


def test_the_person_is_looked_up_once_a_day_and_not_by_their_email_in_the_cache(peer):
    first = slack.send(to=ANA, payload=slack.render(content()))
    second = slack.send(to=ANA, payload=slack.render(content(title="Another")))
    assert first != second
    assert len(peer.calls_to("users.lookupByEmail")) == 1  # the second send asked no one
    assert [c.body["channel"] for c in peer.calls_to("chat.postMessage")] == [ANA_ID, ANA_ID]
    key = slack.user_cache_key(ANA)
    assert cache.get(key) == ANA_ID
    assert "ana" not in key.lower() and "example" not in key
    assert slack.user_cache_key(ANA.upper()) == key  # the same person however it is typed


def test_a_person_is_looked_up_again_when_their_cached_id_no_longer_works(peer):
    slack.send(to=ANA, payload=slack.render(content()))
    peer.fail_next(method="chat.postMessage", error="channel_not_found")
    with pytest.raises(slack.NotFound, match="direct message"):
        slack.send(to=ANA, payload=slack.render(content()))
    assert cache.get(slack.user_cache_key(ANA)) is None
    slack.send(to=ANA, payload=slack.render(content()))
    assert len(peer.calls_to("users.lookupByEmail")) == 2


def test_a_channel_is_posted_to_by_its_id(peer):
    slack.send(to=CHANNEL, payload=slack.render(content()))
    assert peer.calls_to("users.lookupByEmail") == []
    assert [c.body["channel"] for c in peer.calls_to("chat.postMessage")] == [CHANNEL]


def test_someone_slack_does_not_know_is_not_found_so_email_can_take_over(peer):
    with pytest.raises(slack.NotFound) as raised:
        slack.send(to="nobody@example.com", payload=slack.render(content()))
    assert isinstance(raised.value, Permanent)
    assert str(raised.value) == "Slack knows no one with this email."
    assert peer.calls_to("chat.postMessage") == []
    assert cache.get(slack.user_cache_key("nobody@example.com")) is None  # asked again next time


def test_a_wrong_token_is_permanent(peer, settings):
    settings.SLACK_BOT_TOKEN = "xoxb-not-the-one"
    with pytest.raises(Permanent, match="SLACK_BOT_TOKEN") as raised:
        slack.send(to=CHANNEL, payload=slack.render(content()))
    assert not isinstance(raised.value, slack.NotFound)
    (call,) = peer.calls
    assert call.token == "xoxb-not-the-one"


def test_an_unknown_channel_is_permanent(peer):
    with pytest.raises(Permanent, match="no such channel"):
        slack.send(to="C0UNKNOWN1", payload=slack.render(content()))


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        ("invalid_auth", "did not accept the portal's bot token"),
        ("not_authed", "received no bot token"),
        ("account_inactive", "deactivated"),
        ("token_revoked", "was revoked"),
        ("channel_not_found", "no such channel"),
        ("not_in_channel", "/invite"),
        ("is_archived", "archived"),
        ("missing_scope", r"lacks a permission it needs \(chat:write\)"),
        ("invalid_blocks", r"refused the message \(invalid_blocks\)"),
    ],
)
def test_slacks_refusals_are_permanent_with_a_sentence(peer, error, sentence):
    peer.fail_next(method="chat.postMessage", error=error, extra={"needed": "chat:write"})
    with pytest.raises(Permanent, match=sentence) as raised:
        slack.send(to=CHANNEL, payload=slack.render(content()))
    assert not isinstance(raised.value, slack.NotFound)
    assert len(peer.calls_to("chat.postMessage")) == 1


def test_refusals_of_the_lookup_are_mapped_too(peer):
    peer.fail_next(
        method="users.lookupByEmail", error="missing_scope", extra={"needed": "users:read.email"}
    )
    with pytest.raises(Permanent, match="users:read.email"):
        slack.send(to=ANA, payload=slack.render(content()))
    assert peer.calls_to("chat.postMessage") == []


def test_a_rate_limit_is_temporary_and_says_how_long_slack_asked_to_wait(peer):
    peer.fail_next(method="chat.postMessage", status=429, headers={"Retry-After": "30"})
    with pytest.raises(Temporary, match="asked to wait 30 seconds") as raised:
        slack.send(to=CHANNEL, payload=slack.render(content()))
    assert raised.value.retry_after == 30
    assert len(peer.calls_to("chat.postMessage")) == 1  # slack-sdk did not retry on its own
    slack.send(to=CHANNEL, payload=slack.render(content()))  # the outbox's next attempt


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_temporary_and_not_retried_by_the_client(peer, status):
    peer.fail_next(status=status)
    with pytest.raises(Temporary, match=f"HTTP {status}"):
        slack.send(to=CHANNEL, payload=slack.render(content()))
    assert len(peer.calls) == 1


def test_a_slack_that_does_not_answer_in_time_is_temporary(peer, settings):
    settings.CHANNEL_TIMEOUT = 0.5
    peer.fail_next(method="chat.postMessage", hold=True)
    started = time.monotonic()
    with pytest.raises(Temporary, match="did not answer within 0.5 seconds"):
        slack.send(to=CHANNEL, payload=slack.render(content()))
    assert time.monotonic() - started < 5
    assert len(peer.calls_to("chat.postMessage")) == 1


def test_a_dropped_connection_is_temporary_and_not_retried_by_the_client(peer):
    peer.fail_next(method="chat.postMessage", drop=True)
    with pytest.raises(Temporary, match="connection to Slack failed"):
        slack.send(to=CHANNEL, payload=slack.render(content()))
    assert len(peer.calls_to("chat.postMessage")) == 1  # a second post could have doubled it


def test_a_slack_that_cannot_be_reached_is_temporary(settings):
    settings.SLACK_BOT_TOKEN = "xoxb-anything"
    settings.SLACK_API_URL = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    with pytest.raises(Temporary, match="reach Slack"):
        slack.send(to=CHANNEL, payload=slack.render(content()))


def test_without_a_token_slack_is_not_configured_and_nothing_is_sent(peer, settings):
    assert slack.is_configured()
    settings.SLACK_BOT_TOKEN = ""
    assert not slack.is_configured()
    with pytest.raises(Permanent, match="SLACK_BOT_TOKEN is not set"):
        slack.send(to=CHANNEL, payload=slack.render(content()))
    assert peer.calls == []


@pytest.mark.parametrize("payload", [None, {}, {"text": "x", "blocks": "[]"}])
def test_a_stored_message_that_is_not_a_rendered_one_is_permanent(peer, payload):
    with pytest.raises(Permanent, match="not one the portal rendered"):
        slack.send(to=CHANNEL, payload=payload)
    assert peer.calls == []


@pytest.mark.parametrize("to", ["ana", "#general", "U0ANALIMA", ""])
def test_a_recipient_that_is_no_address_nor_channel_is_permanent(peer, to):
    with pytest.raises(Permanent, match="neither an email address nor a Slack channel id"):
        slack.send(to=to, payload=slack.render(content()))
    assert peer.calls == []


# Answering a pressed button -------------------------------------------------------------------


def test_an_answer_replaces_the_message_through_its_response_url(peer):
    payload = slack.render(content(title="Booked: Thursday 10:00", actions=()))
    slack.respond(response_url=peer.response_url("T1/B2/abc"), payload=payload)
    (call,) = peer.calls_to("response")
    assert call.path == "/response/T1/B2/abc"
    assert call.body == {"replace_original": True, **payload}
    assert call.token is None  # response URLs are their own credential; the bot token stays home


def test_an_expired_response_url_is_permanent(peer):
    peer.fail_next(method="response", status=404, error="expired_url")
    with pytest.raises(Permanent, match="30 minutes"):
        slack.respond(response_url=peer.response_url(), payload={"text": "Done"})


@pytest.mark.parametrize(
    ("status", "raised"), [(500, Temporary), (429, Temporary), (400, Permanent)]
)
def test_answer_failures_are_mapped(peer, status, raised):
    peer.fail_next(method="response", status=status, headers={"Retry-After": "5"}, error="no_text")
    with pytest.raises(raised):
        slack.respond(response_url=peer.response_url(), payload={"text": "Done"})


def test_an_answer_that_does_not_arrive_in_time_is_temporary(peer, settings):
    settings.CHANNEL_TIMEOUT = 0.5
    peer.fail_next(method="response", hold=True)
    with pytest.raises(Temporary, match="did not answer"):
        slack.respond(response_url=peer.response_url(), payload={"text": "Done"})


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com.evil.example/actions/T1/1/x",
        "http://hooks.slack.com/actions/T1/1/x",  # not https
        "https://user@hooks.slack.com/actions/T1/1/x",
        "https://hooks.slack.com:8443/actions/T1/1/x",
        "https://evil.example/actions/T1/1/x",
        "file:///etc/passwd",
        "http://[::1/",
    ],
)
def test_an_answer_goes_only_to_slacks_host(peer, url):
    assert not slack.response_url_allowed(url)
    with pytest.raises(Permanent, match="not Slack's"):
        slack.respond(response_url=url, payload={"text": "Done"})
    assert peer.calls == []


def test_slacks_host_and_the_configured_api_host_are_allowed(peer):
    assert slack.response_url_allowed("https://hooks.slack.com/actions/T1/123/abc")
    assert slack.response_url_allowed(peer.response_url())
    other_port = peer.response_url().replace(str(peer.port), str(peer.port + 1))
    assert not slack.response_url_allowed(other_port)


# The capture server's own checks ---------------------------------------------------------------


def test_the_capture_server_updates_a_message_for_the_real_client(peer):
    ts = slack.send(to=CHANNEL, payload=slack.render(content()))
    client = WebClient(token=peer.token, base_url=peer.api_url, retry_handlers=[])
    update = slack.render(content(title="Booked: Thursday 10:00", actions=()))
    assert client.chat_update(channel=CHANNEL, ts=ts, **update)["ts"] == ts
    assert peer.messages == [{**peer.calls_to("chat.postMessage")[0].body, **update, "ts": ts}]
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel=CHANNEL, ts="1.000000", text="x")
    assert client.auth_test()["user_id"]


def test_the_capture_server_refuses_blocks_slack_would_refuse(peer):
    broken = {
        "text": "x",
        "blocks": [{"type": "header", "text": {"type": "mrkdwn", "text": "x" * 151}}],
    }
    with pytest.raises(Permanent, match="invalid_blocks"):
        slack.send(to=CHANNEL, payload=broken)
    assert peer.messages == []


@pytest.mark.parametrize(
    "blocks",
    [
        [],
        [{"type": "banner"}],
        [{"type": "section"}],
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        [{"type": "section", "text": {"type": "plain_text", "text": "x", "verbatim": True}}],
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "b"},
                        "action_id": "a",
                    }
                ]
                * 2,
            }
        ],
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "b"},
                        "url": "ftp://x",
                    }
                ],
            }
        ],
        [{"type": "header", "text": {"type": "plain_text", "text": ""}}],
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
    ],
)
def test_the_block_checks_can_fail(blocks):
    assert blocks_problems(blocks) != []
