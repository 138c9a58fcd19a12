"""A person's inbox, the bell's count, their settings; tracked links, one-click unsubscribe and
Slack's button callbacks (the last three answer without a session: their signature is the key).
"""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.redirects import url_is_ours

from . import kinds, links, selectors, services
from .forms import SettingsForm, channels_changed, channels_offered, channels_posted
from .models import Click, Notification, Settings

logger = logging.getLogger(__name__)

SAVED = "Your notification settings are saved."


@require_GET
def inbox(request):
    return _inbox_render(request, "notifications/inbox.html")


def _inbox_render(request, template: str, **extra):
    items = selectors.inbox(user=request.user)
    for item in items:  # opened from here counts as the inbox's click, and reads it
        item.link = item.path and links.tracked_path(
            notification_id=item.pk, channel="inbox", path=item.path
        )
    unread = selectors.unread_count(user=request.user)
    return render(request, template, {"items": items, "unread": unread, **extra})


@require_GET
def bell(request):
    # Asked for by every open page now and then: rendered without the request, so none of
    # the site's context processors (the menu, the roles) runs for it. One count, no more.
    unread = selectors.unread_count(user=request.user)
    return HttpResponse(render_to_string("notifications/_bell.html", {"unread": unread}))


@require_POST
def read_all(request):
    services.notification_read(user=request.user)
    if request.htmx:  # the inbox's list, and the header's bell out of band
        return _inbox_render(request, "notifications/inbox.html#read", oob=True)
    return redirect("notifications_inbox")


@require_http_methods(["GET", "POST"])
def settings_page(request):
    own = Settings.objects.filter(user=request.user).first() or Settings(user=request.user)
    posted = request.method == "POST"
    form = SettingsForm(request.POST if posted else None, instance=own)
    if posted and form.is_valid():
        before = {
            kind.key: services.channels_chosen(user=request.user, kind=kind)
            for kind in kinds.all_kinds()
        }
        with transaction.atomic():
            form.save()
            services.choices_save(
                user=request.user, channels_by_kind=channels_changed(request.POST, before=before)
            )
        if not request.htmx:
            messages.success(request, SAVED)
            return redirect("notifications_settings")
    ticked = channels_posted(request.POST) if posted and not form.is_valid() else {}
    rows = [
        {
            "kind": kind,
            "channels": ticked.get(kind.key)
            if kind.key in ticked
            else services.channels_chosen(user=request.user, kind=kind),
        }
        for kind in kinds.all_kinds()
    ]
    template = "notifications/settings.html"
    if request.htmx and posted:
        template += "#settings-form"
    return render(
        request,
        template,
        {
            "form": form,
            "rows": rows,
            "channels": channels_offered(),
            "saved": SAVED if posted and form.is_valid() else "",
        },
        status=400 if posted and not form.is_valid() else 200,
    )


@require_GET
def go(request, token):
    """A tracked link: count the click (once per channel is enough), then go there."""
    target = links.tracked_target(token)
    if target is None or not url_is_ours(request, target[2]):  # never off this site
        return render(request, "notifications/link_broken.html", status=404)
    notification_id, channel, path = target
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is not None:
        with transaction.atomic():
            Click.objects.create(notification=notification, channel=channel, at=timezone.now())
            if request.user.is_authenticated and request.user.pk == notification.user_id:
                services.notification_read(user=request.user, notification_id=notification.pk)
    return HttpResponseRedirect(path)


@csrf_exempt  # RFC 8058: the mail client posts with no session and no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    target = links.unsubscribe_target(token)
    if target is None:
        return render(request, "notifications/link_broken.html", status=404)
    user_id, kind_key = target
    kind = kinds.registry.get(kind_key)
    if kind is None or not get_user_model().objects.filter(pk=user_id).exists():
        return render(request, "notifications/link_broken.html", status=404)
    done = False
    if request.method == "POST":
        done = services.unsubscribe(user_id=user_id, kind=kind_key)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": kind, "done": done, "posted": request.method == "POST"},
    )


@csrf_exempt  # Slack signs its callbacks; the signature is checked before anything is read
@require_POST
def slack_actions(request):
    from .slack_interactivity import Refused, verify

    try:
        payload = verify(request)
    except Refused as refusal:  # 401 not Slack's, 400 unreadable
        return JsonResponse({"error": str(refusal)}, status=refusal.status)
    outcome = services.slack_action_handle(payload)
    if outcome is None:
        return JsonResponse(
            {"error": "This is not a button of one of the portal's messages."}, status=400
        )
    return HttpResponse(status=200)  # the answer in place goes to its response_url


@csrf_exempt  # the Bot Framework signs what it posts; the token is checked before anything is read
@require_POST
def teams_messages(request):
    """The Teams bot's messaging endpoint: a card's button (an `adaptiveCard/action` invoke) is
    run and answered with the card that replaces it; any other activity (the app installed, a
    message typed to the bot) is acknowledged and left alone."""
    from .teams_bot import Refused, verify

    try:
        activity = verify(request)
    except Refused as refusal:  # 401 not Microsoft's, 400 unreadable
        return JsonResponse({"error": str(refusal)}, status=refusal.status)
    if activity.get("type") != "invoke" or activity.get("name") != "adaptiveCard/action":
        return HttpResponse(status=200)
    return JsonResponse(services.teams_action_handle(activity))
