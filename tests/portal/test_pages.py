"""The home page: where it sits in the tree, and how it renders."""

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from portal.factories import HomePageFactory
from portal.models import HomePage


class HomePageTests(WagtailPageTestCase):
    def test_home_page_is_the_default_site_root(self):
        site = Site.objects.get(is_default_site=True)
        self.assertIsInstance(site.root_page.specific, HomePage)

    def test_home_page_sits_only_under_the_tree_root(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_only_one_home_page(self):
        self.assertFalse(HomePage.can_create_at(Page.objects.get(depth=1)))

    def test_home_page_renders(self):
        self.assertPageIsRenderable(HomePage.objects.get(), user=self.create_user("reader"))


@pytest.mark.parametrize("live", [True, False])
def test_a_step_links_to_its_page_only_when_the_page_is_live(client, staff_user, live):
    home = Site.objects.get(is_default_site=True).root_page.specific
    target = HomePageFactory(parent=home, title="Guide", slug="guide", live=live)
    home.body = [
        (
            "path_steps",
            {
                "heading": "Your path",
                "steps": [{"title": "Read the guide", "summary": "Start here.", "link": target}],
            },
        )
    ]
    home.save_revision().publish()
    client.force_login(staff_user)
    html = client.get("/").content.decode()
    assert "Read the guide" in html
    assert ('<a href="/guide/">Read the guide</a>' in html) is live


def test_a_step_may_lead_to_an_address_outside_the_page_tree(client, staff_user):
    home = Site.objects.get(is_default_site=True).root_page.specific
    step = {"title": "Drop in", "summary": "Weekly.", "link": None, "address": "/office-hours/"}
    home.body = [("path_steps", {"heading": "Your path", "steps": [step]})]
    home.save_revision().publish()
    client.force_login(staff_user)
    assert '<a href="/office-hours/">Drop in</a>' in client.get("/").content.decode()


@pytest.mark.parametrize("address", ["javascript:alert(1)", "//evil.example/", "http://x.test/"])
def test_a_steps_address_is_a_site_path_or_https(address):
    from portal.blocks import PathStepBlock

    block = PathStepBlock()
    value = block.to_python({"title": "T", "summary": "S", "address": address})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "/static/portal/css/portal.css" in html
