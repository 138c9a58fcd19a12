from django.conf import settings

from . import navigation


def portal(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "portal_name": settings.PORTAL_NAME,
        "nav_main": navigation.items_for(user, request.path, "main") if signed_in else [],
        "nav_tools": navigation.items_for(user, request.path, "tools") if signed_in else [],
    }
