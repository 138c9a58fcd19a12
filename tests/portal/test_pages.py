"""Page-tree rules for the home page."""

from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

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
