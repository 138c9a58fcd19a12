"""Wagtail admin menu items shown only to the people a permission check allows.

The views behind them check again for themselves (`portal.permissions.require`); hiding a menu
item is a courtesy, not the protection.
"""

from collections.abc import Callable

from wagtail.admin.menu import MenuItem, SubmenuMenuItem


class _Permitted:
    def __init__(self, *args, allowed: Callable[[object], bool], **kwargs):
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return self.allowed(request.user)


class PermittedMenuItem(_Permitted, MenuItem):
    pass


class PermittedSubmenuMenuItem(_Permitted, SubmenuMenuItem):
    pass
