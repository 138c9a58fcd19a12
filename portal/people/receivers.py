"""Signal receivers: each only hands over to a service."""

from .services import staff_link_user


def link_staff_on_sign_in(sender, request, user, **kwargs):
    staff_link_user(user=user)
