"""Smoke test: after `seed_demo`, every page answers 200 for each role that may see it, and
every one of those answers carries the browser policies (the site's Content-Security-Policy and
the Permissions-Policy) with nothing inline in the page that the policy would block. The crawl in
test_security_headers_walk.py opens every other kind of place (the admin, files, one link
further) once per role; this walk is the one that opens every live page."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.portal.test_security_headers_walk import policy_problems

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
    wrong = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        wrong += policy_problems(url, response, account)
    for name, allowed in ROLE_PAGES.items():
        response = client.get(reverse(name), follow=True)
        status = response.status_code
        assert status == (200 if account in allowed else 403), (name, account, status)
        wrong += policy_problems(response.wsgi_request.path, response, account)
    assert not wrong, "\n".join(wrong)


def test_signed_out_visitor_sees_only_the_sign_in_pages(client, seeded_once, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    wrong = policy_problems(reverse("account_login"), response, "signed out")
    for url in live_page_urls():
        response = client.get(url)
        assert response["Location"].startswith(reverse("account_login"))
        wrong += policy_problems(url, response, "signed out")
    assert not wrong, "\n".join(wrong)
