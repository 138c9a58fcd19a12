"""The site navigation: a registry the apps add their entries to.

`portal` imports none of the domain apps; each registers its own items in `AppConfig.ready()`,
so a page appears in the menu exactly when the app that serves it is installed, and only for
the people allowed to use it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import resolve_url

# Where a link goes: a URL name, a path, or a function returning a path or "" (for pages whose
# address editors choose, such as the FAQ guide). "" means the page does not exist yet.
Target = str | Callable[[], str]


def absolute_url(url: str) -> str:
    """A site path as a full address for emails, from BASE_URL; full addresses pass through."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def target_url(target: Target) -> str:
    """The path of a `Target`, or "" when there is none."""
    target = target() if callable(target) else target
    return resolve_url(target) if target else ""


@dataclass(frozen=True)
class NavItem:
    label: str
    target: Target
    order: int
    visible: Callable[[object], bool] = lambda user: True
    section: str = "main"  # "main" for staff pages, "tools" for managers' and leaders' tools

    @property
    def url(self) -> str:
        return target_url(self.target)


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.label] = item


def items_for(user, path: str, section: str) -> list[dict]:
    """Visible items of one section, in order, each marked current when the path is inside it."""
    result = []
    for item in sorted(_items.values(), key=lambda i: i.order):
        if item.section != section or not item.visible(user):
            continue
        url = item.url
        if not url:  # a page that does not exist yet
            continue
        current = path == url if url == "/" else path.startswith(url)
        result.append({"label": item.label, "url": url, "current": current})
    return result
