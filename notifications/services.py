"""Sending a person a notification, by the channels they chose, when they can take it.

`notify` is called inside the transaction of the change that owes the message (a booking, an
answered question, a nudge's sweep). It writes the inbox row (once per `key`) and, for each
channel the person takes this kind by, one outbox message rendered for that channel, not sent
before their quiet hours end; a kind that can wait goes into their daily digest instead, if
they chose one. The outbox then delivers each message at least once and the unique keys make
it once per person and channel (portal/outbox).
"""

from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.accounts.zones import time_zone_of
from portal.outbox.models import Message
from portal.outbox.services import File, message_queue

from . import kinds, links
from .channels import configured, renderer_of
from .content import Action, Content
from .models import Choice, KindDefault, Notification, Settings
from .timing import next_digest, quiet_until

DIGEST = "notifications.digest"


@dataclass(frozen=True)
class Email:
    """The email version, where the sending app writes its own (with an .ics, say)."""

    subject: str
    body: str
    files: tuple[File, ...] = ()


def notify(
    *,
    user,
    key: str,
    content: Content,
    email: Email | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
    nudge: str = "",
    subject: str = "",
    address: str = "",
) -> Notification | None:
    """Owe `user` this notification, once per `key`. None if it was owed before. `address`
    is their work email in the directory, where it differs from the account's."""
    kind = kinds.kind_of(content.kind)
    now = now or timezone.now()
    if Notification.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                key=key,
                kind=kind.key,
                title=content.title[:300],
                text=content.text,
                path=_path_of(content.url),
                facts=[list(fact) for fact in content.facts],
                created_at=now,
                nudge=nudge,
                subject=subject,
            )
    except IntegrityError:  # owed by a concurrent run of the same change
        return None
    own = Settings.objects.filter(user=user).first() or Settings(user=user)
    zone = time_zone_of(user)
    if own.daily_digest and not kind.urgent:
        notification.digest_at = next_digest(now, zone, own.digest_time)
        notification.save(update_fields=["digest_at"])
        return notification
    not_before = now if kind.urgent else quiet_until(now, zone, own.quiet_from, own.quiet_until)
    _queue(
        notification,
        kind,
        content,
        email,
        not_before=not_before,
        expires_at=expires_at,
        address=address or user.email,
    )
    return notification


def channels_for(user, kind: kinds.Kind) -> list[str]:
    """The channels `user` takes `kind` by, that this portal can send: their own choice, else
    the community managers' default for the kind, else Slack where it is connected (or email)
    and the inbox. A kind nobody may turn off always goes by at least email."""
    chosen = Choice.objects.filter(user=user, kind=kind.key).values_list("channels", flat=True)
    channels = chosen.first()
    if channels is None:
        channels = default_channels(kind)
    sendable = [c for c in channels if c in kinds.DELIVERED and configured(c)]
    wanted = [c for c in channels if c in kinds.DELIVERED]
    if not sendable and (wanted or not kind.optional):
        sendable = [kinds.EMAIL]  # chose a channel this portal no longer has: email instead
    return sendable


def default_channels(kind: kinds.Kind) -> list[str]:
    manager_default = KindDefault.objects.filter(kind=kind.key).values_list("channels", flat=True)
    channels = manager_default.first()
    if channels is not None:
        return list(channels)
    return [kinds.SLACK if configured(kinds.SLACK) else kinds.EMAIL, kinds.INBOX]


def _queue(notification, kind, content, email, *, not_before, expires_at, address) -> None:
    user = notification.user
    for channel in channels_for(user, kind):
        tracked = _tracked(content, notification, channel)
        common = {
            "key": f"{notification.key}:{channel}",
            "kind": kind.key,
            "user": user,
            "channel": channel,
            "not_before": not_before,
            "expires_at": expires_at,
            "to": address,
        }
        if channel == kinds.EMAIL:
            _email_queue(notification, kind, tracked, email, common)
        else:
            message_queue(
                subject=content.title,
                payload=renderer_of(channel)(tracked),
                **common,
            )


def _email_queue(notification, kind, content: Content, email: Email | None, common) -> None:
    user = notification.user
    headers = {}
    unsubscribe = ""
    if kind.optional:
        unsubscribe = links.unsubscribe_url(user_id=user.pk, kind=kind.key)
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
        }
    body = email.body if email else render_to_string("notifications/email.txt", {"c": content})
    footer = render_to_string(
        "notifications/email_footer.txt",
        {
            "kind": kind,
            "unsubscribe": unsubscribe,
            "settings_url": links.absolute(reverse("notifications_settings")),
        },
    )
    message_queue(
        subject=email.subject if email else f"{settings.PORTAL_NAME}: {content.title}",
        body=f"{body.rstrip()}\n\n{footer}",
        files=email.files if email else (),
        headers=headers,
        **common,
    )


def _tracked(content: Content, notification: Notification, channel: str) -> Content:
    """The content with its links made absolute and counted for this channel. A button that
    runs in place (`action_id`) gets its argument signed for this person in a chat message;
    elsewhere it is its link (left out when it has none)."""

    made: dict[str, str] = {}  # one address per path, so a button and the title agree

    def track(url: str) -> str:
        path = _path_of(url)
        if not path:
            return url
        if path not in made:
            made[path] = links.tracked_url(
                notification_id=notification.pk, channel=channel, path=path
            )
        return made[path]

    def button(action: Action) -> Action | None:
        action = replace(action, url=track(action.url))
        if not action.action_id:
            return action
        if channel in kinds.CHAT:
            value = links.action_value(
                user_id=notification.user_id,
                action_id=action.action_id,
                argument=action.value,
                notification_key=notification.key,
            )
            return replace(action, value=value)
        return replace(action, action_id="", value="") if action.url else None

    actions = tuple(kept for action in content.actions if (kept := button(action)))
    return replace(content, url=track(content.url), actions=actions)


def _path_of(url: str) -> str:
    """The site path of a link on this site ("" for none or another site's)."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if url.startswith(base + "/"):
        url = url[len(base) :]
    return url if url.startswith("/") and not url.startswith("//") else ""


def fallback_to_email(message: Message) -> None:
    """A chat channel did not know the person: the same notification goes by email."""
    key = message.key.rsplit(":", 1)[0]
    notification = Notification.objects.filter(key=key).select_related("user").first()
    if notification is None or "@" not in message.to:
        return
    content = content_of(notification)
    kind = kinds.kind_of(notification.kind)
    _email_queue(
        notification,
        kind,
        _tracked(content, notification, kinds.EMAIL),
        None,
        {
            "key": f"{key}:{kinds.EMAIL}",
            "kind": kind.key,
            "user": notification.user,
            "channel": kinds.EMAIL,
            "expires_at": message.expires_at,
            "to": message.to,
        },
    )


def content_of(notification: Notification) -> Content:
    return Content(
        kind=notification.kind,
        title=notification.title,
        text=notification.text,
        url=notification.path,
        facts=tuple(tuple(fact) for fact in notification.facts),
    )


def digests_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Bundle each person's held notifications whose digest time has come into one message.
    How many digests were queued."""
    now = now or timezone.now()
    due_users = (
        Notification.objects.filter(digest_at__lte=now)
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
    queued = 0
    for user_id in list(due_users):
        with transaction.atomic():
            held = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(user_id=user_id, digest_at__lte=now)
                .select_related("user")
                .order_by("created_at", "pk")
            )
            if not held:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in held]).update(digest_at=None)
            queued += _digest_queue(held, now)
    return queued


def _digest_queue(held: list[Notification], now: datetime) -> int:
    user = held[0].user
    first, last = held[0].pk, held[-1].pk
    count = len(held)
    content = Content(
        kind=DIGEST,
        title=f"{count} update{'s' if count != 1 else ''} from {settings.PORTAL_NAME}",
        text="Here is what came for you since your last summary.",
        url=reverse("notifications_inbox"),
        facts=tuple((n.title, n.text.split("\n\n", 1)[0][:300]) for n in held[:10]),
        actions=(Action("Open your inbox", reverse("notifications_inbox"), primary=True),),
    )
    digest = Notification(
        user=user, key=f"{DIGEST}:{user.pk}:{first}-{last}", kind=DIGEST, created_at=now
    )
    digest.pk = last  # links point at the newest item; the digest itself is not an inbox row
    _queue(
        digest,
        kinds.kind_of(DIGEST),
        content,
        None,
        not_before=now,
        expires_at=None,
        address=user.email,
    )
    return 1


def notification_read(*, user, notification_id: int | None = None, now=None) -> int:
    """Mark one (or every) unread notification of `user` read. How many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=now or timezone.now())


def choices_save(*, user, channels_by_kind: dict[str, list[str]]) -> None:
    """Keep a person's channels for each kind they may choose (a kind nobody may turn off
    keeps at least email)."""
    for key, channels in channels_by_kind.items():
        kind = kinds.kind_of(key)
        wanted = [c for c in channels if c in kinds.CHANNELS]
        if not kind.optional and not any(c in kinds.DELIVERED for c in wanted):
            wanted = [kinds.EMAIL, *wanted]
        Choice.objects.update_or_create(user=user, kind=key, defaults={"channels": wanted})


def unsubscribe(*, user_id: int, kind: str) -> bool:
    """Stop one kind for one person (the inbox keeps it). False for a kind they cannot stop."""
    known = kinds.registry.get(kind)
    if known is None or not known.optional:
        return False
    Choice.objects.update_or_create(
        user_id=user_id, kind=kind, defaults={"channels": [kinds.INBOX]}
    )
    return True


def channels_chosen(*, user, kind: kinds.Kind) -> list[str]:
    """What the settings page shows ticked for `kind`: the person's choice or the default."""
    chosen = Choice.objects.filter(user=user, kind=kind.key).values_list("channels", flat=True)
    channels = chosen.first()
    return list(channels) if channels is not None else default_channels(kind)


def slack_action_handle(payload: dict) -> str | None:
    """Run the button a person pressed in Slack (the request's signature already checked) and
    queue the message's in-place answer. The sentence said, or None for a payload that is
    not a button press of ours."""
    pressed = (payload.get("actions") or [None])[0] if isinstance(payload, dict) else None
    response_url = payload.get("response_url", "") if isinstance(payload, dict) else ""
    if not isinstance(pressed, dict) or not isinstance(response_url, str):
        return None
    if not response_url.startswith(("https://", "http://")):  # nowhere to answer: not Slack's
        return None
    outcome = _press(str(pressed.get("value", "")), pressed.get("action_id"))
    if outcome is None:
        return None
    user, action_id, key, said = outcome
    with transaction.atomic():
        message_queue(
            key=f"slack.answer:{payload.get('trigger_id') or key}:{action_id}",
            kind="notifications.slack_answer",
            channel=kinds.SLACK,
            to=response_url,
            subject=said,
            user=user,
            payload={
                "replace_original": True,
                "text": said,
                "blocks": [{"type": "section", "text": {"type": "plain_text", "text": said}}],
            },
        )
    return said


def teams_action_handle(activity: dict) -> dict:
    """Run the button a person pressed on a Teams card (an `adaptiveCard/action` invoke whose
    token was checked) and answer, as Teams' Universal Actions expect, with the card that
    replaces the pressed one; a press that is not of one of our buttons is a 400 in words."""
    from .channels import teams

    action = (activity.get("value") or {}).get("action") if isinstance(activity, dict) else None
    data = action.get("data") if isinstance(action, dict) else None
    value = data.get("value") if isinstance(data, dict) else None
    outcome = _press(str(value or ""), action.get("verb") if isinstance(action, dict) else None)
    if outcome is None:
        return {
            "statusCode": 400,
            "type": "application/vnd.microsoft.error",
            "value": {
                "code": "BadRequest",
                "message": "This is not a button of one of the portal's messages.",
            },
        }
    said = outcome[3]
    return {
        "statusCode": 200,
        "type": teams.CARD_CONTENT_TYPE,
        "value": teams.render(Content(kind="", title=said, text="")),
    }


def _press(value: str, action_id) -> tuple | None:
    """(person, action, notification key, the sentence said) once the button's signed value
    names this action and a person still here, its action run in its own transaction; None
    when the value is not one of ours."""
    from django.contrib.auth import get_user_model

    from .actions import ActionError, action_run

    target = links.action_target(value)
    if target is None or target[1] != action_id:
        return None
    user_id, action_id, argument, key = target
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    try:
        with transaction.atomic():
            said = action_run(user=user, action_id=action_id, argument=argument)
    except ActionError as error:
        said = str(error)
    return user, action_id, key, said


def not_now(user, argument: str) -> str:
    """The "Not now" button: the notification is read, and its nudge waits its full interval."""
    Notification.objects.filter(user=user, key=argument).update(read_at=timezone.now())
    return "Fine, not now. It stays in your inbox in the portal."


def notify_person(
    *, user, address: str, key: str, content: Content, email: Email, **options
) -> None:
    """Notify someone who may not have signed in yet: by their chosen channels when they have
    an account, else by email to `address` alone (no account, no inbox or settings)."""
    if user is not None:
        notify(user=user, key=key, content=content, email=email, address=address, **options)
        return
    message_queue(
        key=f"{key}:{kinds.EMAIL}",
        kind=content.kind,
        to=address,
        subject=email.subject,
        body=email.body,
        files=email.files,
        expires_at=options.get("expires_at"),
    )
