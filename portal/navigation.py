"""The site navigation: a registry the apps add their entries to.

`portal` imports none of the domain apps; each registers its own items in `AppConfig.ready()`,
so a page appears in the menu exactly when the app that serves it is installed, and only for
the people allowed to use it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models.signals import post_delete
from django.shortcuts import resolve_url
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .shared_cache import CachedFamily

# Where a link goes: a URL name, a path, or a function returning a path or "" (for pages whose
# address editors choose, such as the FAQ guide). "" means the page does not exist yet.
Target = str | Callable[[], str]


class PageAddress:
    """The path of the one live page of a kind whose address editors choose (the FAQ guide,
    Training), or "" while there is none: a `Target` for menus and event kinds.

    Cached, since the menu shows it on every page; `connect()` forgets it, for every process of
    every server at once the change commits (`portal.shared_cache`), whenever such a page is
    published, unpublished, renamed, moved or deleted, however that happens."""

    SIGNALS = (page_published, page_unpublished, page_slug_changed, post_page_move, post_delete)

    def __init__(self, model, cache_key: str):
        self.model, self.cache_key = model, cache_key
        self.cached = CachedFamily(cache_key, 300)

    def __call__(self) -> str:
        return self.cached.get("url", self._read)

    def _read(self) -> str:
        page = self.model.objects.live().first()
        return (page.get_url() or "") if page else ""

    def forget(self, **kwargs) -> None:
        self.cached.forget()

    def connect(self) -> None:
        for signal in self.SIGNALS:
            signal.connect(
                self.forget,
                sender=self.model,
                weak=False,
                dispatch_uid=f"{self.cache_key}.{id(signal)}",
            )


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


def menu_for(user, path: str) -> dict[str, list[dict]]:
    """Each section's visible items, in order. One item is current: the one whose address is
    the longest start of `path` ("Champion review" on /champions/review/, not "Champions")."""
    visible = [
        (item, url)
        for item in sorted(_items.values(), key=lambda i: i.order)
        if item.visible(user) and (url := item.url)  # "" when its page does not exist yet
    ]
    inside = [url for _, url in visible if (path == url if url == "/" else path.startswith(url))]
    current = max(inside, key=len, default=None)
    menu: dict[str, list[dict]] = {"main": [], "tools": []}
    for item, url in visible:
        menu.setdefault(item.section, []).append(
            {"label": item.label, "url": url, "current": url == current}
        )
    return menu
