"""Notification defaults in the admin: community managers see which channels the portal is
connected to and what to set where one is not, and set each kind's default channels, which
people who have not chosen their own then get. Nobody else may."""

from html import escape

import pytest
from django.urls import reverse

from notifications import defaults, kinds
from notifications.content import Content
from notifications.models import Choice, KindDefault
from notifications.services import channels_for, default_channels, notify
from portal.audit.models import AuditEntry
from portal.factories import UserFactory
from portal.outbox.models import Message

pytestmark = pytest.mark.django_db

URL = reverse("notifications_defaults")
CAN_WAIT = "faq.question_settled"
MUST = "officehours.cancelled"


def page(response) -> str:
    return response.content.decode()


def ticked(text: str, kind: str) -> set[str]:
    found = set()
    for tag in text.split("<input")[1:]:
        tag = tag.split(">", 1)[0]
        if f'name="{kind}"' in tag and " checked" in tag:
            found.add(tag.split('value="', 1)[1].split('"', 1)[0])
    return found


def form_as_shown(client) -> dict:
    text = page(client.get(URL))
    return {
        kind.key: sorted(ticked(text, kind.key)) for kind in kinds.all_kinds() if not kind.nudge
    }


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_only_the_people_who_run_the_programme_may_open_or_post(client, role_users, who):
    client.force_login(role_users[who])
    assert client.get(URL).status_code in (302, 403)
    assert client.post(URL, {CAN_WAIT: ["email"]}).status_code in (302, 403)
    assert not KindDefault.objects.exists()


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


def test_a_portal_with_email_alone_says_what_to_set_for_slack_and_teams(
    client, community_manager, settings
):
    client.force_login(community_manager)
    text = page(client.get(URL))
    assert "Connected channels" in text
    assert "Not connected: set SLACK_BOT_TOKEN" in text
    assert "Off: set SLACK_SIGNING_SECRET and register" in text
    assert f"{settings.WAGTAILADMIN_BASE_URL}/notifications/slack/actions/" in text
    assert "TEAMS_BOT_APP_ID, TEAMS_BOT_APP_PASSWORD and TEAMS_BOT_TENANT_ID" in text
    assert "TEAMS_WEBHOOK_URL" in text
    # one column, email; each kind but the nudges listed under its group
    assert '<th scope="col" class="notification-defaults__channel">Email</th>' in text
    assert ">Slack</th>" not in text
    for kind in kinds.all_kinds():
        assert (escape(kind.label) in text) is (not kind.nudge)
    assert ticked(text, CAN_WAIT) == {"email"}  # the portal's default without Slack
    assert "The portal's default" in text


def test_connected_channels_are_said_and_offered_and_no_secret_is_shown(
    client, community_manager, slack_server, teams_peer, settings
):
    settings.SLACK_SIGNING_SECRET = "signing-secret-never-shown"
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.com"
    client.force_login(community_manager)
    text = page(client.get(URL))
    assert text.count(">Connected<") == 5
    assert "https://portal.example.com/notifications/slack/actions/" in text
    for label in ("Email", "Slack", "Microsoft Teams"):
        assert f'<th scope="col" class="notification-defaults__channel">{label}</th>' in text
    assert ticked(text, CAN_WAIT) == {"slack"}
    for secret in (
        slack_server.token,
        "signing-secret-never-shown",
        settings.TEAMS_BOT_APP_PASSWORD,
        settings.TEAMS_WEBHOOK_URL,
    ):
        assert secret not in text


def test_a_default_set_here_is_what_people_without_a_choice_get(
    client, community_manager, slack_server
):
    client.force_login(community_manager)
    form = form_as_shown(client) | {CAN_WAIT: ["email"], "officehours.24h": []}
    response = client.post(URL, form)
    assert (response.status_code, response.url) == (302, URL)
    assert "2 kinds of message changed" in page(client.get(URL))

    assert KindDefault.objects.get(kind=CAN_WAIT).channels == ["email", "inbox"]
    assert KindDefault.objects.get(kind="officehours.24h").channels == ["inbox"]
    assert KindDefault.objects.count() == 2  # the others still follow the portal's default

    ana, bo = UserFactory(), UserFactory()
    Choice.objects.create(user=bo, kind=CAN_WAIT, channels=["slack"])  # bo chose
    assert channels_for(ana, kinds.kind_of(CAN_WAIT)) == ["email"]
    assert channels_for(bo, kinds.kind_of(CAN_WAIT)) == ["slack"]
    notify(
        user=ana,
        key="q:1",
        content=Content(kind=CAN_WAIT, title="Answered", text="You asked."),
    )
    assert [m.channel for m in Message.objects.filter(user=ana)] == ["email"]

    entry = AuditEntry.objects.get(action=defaults.CHANGED)
    assert entry.actor == community_manager
    assert entry.detail == {CAN_WAIT: ["email", "inbox"], "officehours.24h": ["inbox"]}

    text = page(client.get(URL))
    assert ticked(text, CAN_WAIT) == {"email"}
    assert "Set here" in text


def test_saving_the_portals_default_again_makes_the_kind_follow_it(
    client, community_manager, slack_server
):
    KindDefault.objects.create(kind=CAN_WAIT, channels=["email", "inbox"])
    client.force_login(community_manager)
    form = form_as_shown(client) | {CAN_WAIT: ["slack"]}
    client.post(URL, form)
    assert not KindDefault.objects.exists()
    # saving the screen unchanged writes nothing, so connecting a channel later still counts
    client.post(URL, form_as_shown(client))
    assert not KindDefault.objects.exists()
    assert "Nothing changed" in page(client.get(URL))
    assert AuditEntry.objects.filter(action=defaults.CHANGED).count() == 1


def test_a_channel_not_connected_now_is_kept_in_a_default(client, community_manager):
    KindDefault.objects.create(kind=CAN_WAIT, channels=["teams", "inbox"])
    client.force_login(community_manager)  # Teams is not connected in this test
    assert ticked(page(client.get(URL)), CAN_WAIT) == set()
    client.post(URL, form_as_shown(client) | {CAN_WAIT: ["email"]})
    assert KindDefault.objects.get(kind=CAN_WAIT).channels == ["email", "teams", "inbox"]


def test_unknown_kinds_channels_and_nudges_are_ignored(client, community_manager):
    client.force_login(community_manager)
    nudge = next((k for k in kinds.all_kinds() if k.nudge), None)
    form = form_as_shown(client) | {"no.such.kind": ["email"], CAN_WAIT: ["fax", "inbox"]}
    if nudge is not None:
        form[nudge.key] = ["email"]
    assert client.post(URL, form).status_code == 302
    assert set(KindDefault.objects.values_list("kind", flat=True)) == {CAN_WAIT}
    assert KindDefault.objects.get(kind=CAN_WAIT).channels == ["inbox"]


def test_a_kind_nobody_may_stop_still_goes_by_email_with_no_box_ticked(client, community_manager):
    client.force_login(community_manager)
    client.post(URL, form_as_shown(client) | {MUST: []})
    assert KindDefault.objects.get(kind=MUST).channels == ["inbox"]
    assert channels_for(UserFactory(), kinds.kind_of(MUST)) == ["email"]
    assert "Nobody can turn it off" in page(client.get(URL))


def test_a_nul_is_refused_in_words_and_nothing_is_saved(client, community_manager):
    client.force_login(community_manager)
    response = client.post(URL, form_as_shown(client) | {CAN_WAIT: ["email\x00"]})
    assert response.status_code == 400
    assert not KindDefault.objects.exists()


def test_the_screen_reads_the_defaults_in_one_query(
    client, community_manager, django_assert_max_num_queries
):
    for kind in kinds.all_kinds()[:5]:
        KindDefault.objects.create(kind=kind.key, channels=["email", "inbox"])
    client.force_login(community_manager)
    client.get(URL)
    with django_assert_max_num_queries(18) as captured:
        assert client.get(URL).status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if "notifications_kinddefault" in q["sql"]]
    assert len(reads) == 1


def test_the_menu_has_it_for_community_managers(client, community_manager):
    client.force_login(community_manager)
    assert "Notification defaults" in page(client.get(reverse("wagtailadmin_home")))


@pytest.mark.parametrize("slack", [False, True])
def test_the_screens_default_is_the_one_notify_uses(request, slack):
    if slack:
        request.getfixturevalue("slack_server")
    for kind in kinds.all_kinds():
        assert default_channels(kind) == defaults.portal_default()
