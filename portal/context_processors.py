from django.conf import settings

from . import navigation


def portal(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    menu = navigation.menu_for(user, request.path) if signed_in else {}
    return {
        "portal_name": settings.PORTAL_NAME,
        "nav_main": menu.get("main", []),
        "nav_tools": menu.get("tools", []),
    }
