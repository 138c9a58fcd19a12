"""Where FAQ pages may live, the moderation workflow over them, and the guide's addresses."""

import pytest
from django.core.exceptions import ValidationError

from faq import selectors
from faq.factories import FAQCategoryPageFactory
from faq.models import FAQCategoryPage, FAQEntryPage, FAQIndexPage
from portal.models import HomePage

pytestmark = pytest.mark.django_db


def test_page_tree_rules(guide):
    home = HomePage.objects.get()
    assert not FAQIndexPage.can_create_at(home)  # there is one guide
    assert FAQCategoryPage.can_create_at(guide.index)
    assert not FAQCategoryPage.can_create_at(home)
    assert FAQEntryPage.can_create_at(guide.help)
    assert not FAQEntryPage.can_create_at(guide.index)


def test_entries_go_through_the_moderation_workflow(guide):
    workflow = guide.book.get_workflow()
    assert workflow is not None and workflow.active


def test_a_category_cannot_take_the_guides_own_addresses(guide):
    category = FAQCategoryPageFactory.build(title="Search", slug="search")
    with pytest.raises(ValidationError, match="taken by the guide"):
        guide.index.add_child(instance=category)
    assert not FAQCategoryPage.objects.filter(slug="search").exists()


def test_the_menu_follows_the_guide_when_it_moves(
    guide, client, person, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    assert selectors.faq_guide_url() == "/faq/"
    guide.index.slug = "help"
    with django_capture_on_commit_callbacks(execute=True):  # forgotten once the move commits
        guide.index.save_revision().publish()
    assert selectors.faq_guide_url() == "/help/"
    nav = client.get("/").context["nav_main"]
    assert {"label": "FAQ guide", "url": "/help/", "current": False} in nav
