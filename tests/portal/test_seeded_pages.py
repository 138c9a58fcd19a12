"""Smoke test: after `seed_demo`, every page answers 200 for each role that may see it."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

ROLE_PAGES = {
    # URL name -> demo accounts that may open it; everyone else signed in gets 403
    "reports": {"leader", "editor", "admin", "manager"},
    "wagtailadmin_home": {"editor", "admin"},
    "account_change_password": {account.username for account in DEMO_ACCOUNTS},
    "my_path": {account.username for account in DEMO_ACCOUNTS},
}


def live_page_urls():
    return [page.url for page in Page.objects.live().filter(depth__gt=1).specific()]


@pytest.mark.parametrize("account", [a.username for a in DEMO_ACCOUNTS])
def test_every_seeded_page_answers_for_every_role(client, seeded_once, db, account):
    assert client.login(username=account, password=DEMO_PASSWORD)
    urls = live_page_urls()
    assert urls, "seed_demo published no pages"
    for url in urls:
        assert client.get(url).status_code == 200, url
    for name, allowed in ROLE_PAGES.items():
        status = client.get(reverse(name), follow=True).status_code
        assert status == (200 if account in allowed else 403), (name, account, status)


def test_signed_out_visitor_sees_only_the_sign_in_pages(client, seeded_once, db):
    assert client.get(reverse("account_login")).status_code == 200
    for url in live_page_urls():
        assert client.get(url)["Location"].startswith(reverse("account_login"))
