"""A person's inbox, the bell's count, their settings; tracked links, one-click unsubscribe and
Slack's button callbacks (the last three answer without a session: their signature is the key).
"""

import logging

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import kinds, links, selectors, services
from .forms import SettingsForm, channels_offered, channels_posted
from .models import Click, Notification, Settings

logger = logging.getLogger(__name__)


@require_GET
def inbox(request):
    items = selectors.inbox(user=request.user)
    for item in items:  # opened from here counts as the inbox's click, and reads it
        item.link = item.path and links.tracked_path(
            notification_id=item.pk, channel="inbox", path=item.path
        )
    unread = selectors.unread_count(user=request.user)
    return render(request, "notifications/inbox.html", {"items": items, "unread": unread})


@require_GET
def bell(request):
    return render(
        request, "notifications/_bell.html", {"unread": selectors.unread_count(user=request.user)}
    )


@require_POST
def read_all(request):
    services.notification_read(user=request.user)
    if request.htmx:
        return inbox(request)
    return redirect("notifications_inbox")


@require_http_methods(["GET", "POST"])
def settings_page(request):
    own = Settings.objects.filter(user=request.user).first() or Settings(user=request.user)
    form = SettingsForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            services.choices_save(user=request.user, channels_by_kind=channels_posted(request.POST))
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications_settings")
    status = 400 if request.method == "POST" else 200
    rows = [
        {"kind": kind, "channels": services.channels_chosen(user=request.user, kind=kind)}
        for kind in kinds.all_kinds()
    ]
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "rows": rows, "channels": channels_offered()},
        status=status,
    )


@require_GET
def go(request, token):
    """A tracked link: count the click (once per channel is enough), then go there."""
    target = links.tracked_target(token)
    if target is None:
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
    if kind is None:
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
    except Refused as refusal:
        return JsonResponse({"error": str(refusal)}, status=401)
    outcome = services.slack_action_handle(payload)
    if outcome is None:
        return HttpResponse(status=400)
    return HttpResponse(status=200)
