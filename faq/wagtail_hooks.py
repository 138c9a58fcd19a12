"""The FAQ guide in the Wagtail admin: a menu of the editors' screens, and their URLs.

The pages themselves (guide, categories, entries) are edited in the page explorer like any
other, with revisions and the moderation workflow; these screens are what pages cannot show.
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from portal.permissions import can_edit_content

from . import admin_views


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_edit_content(request.user)


@hooks.register("register_admin_urls")
def register_faq_admin_urls():
    return [
        path("faq/questions/", admin_views.questions, name="faq_admin_questions"),
        path("faq/questions/<int:pk>/", admin_views.question, name="faq_admin_question"),
        path("faq/search-gaps/", admin_views.search_gaps, name="faq_admin_search_gaps"),
        path("faq/search-gaps/<int:pk>/", admin_views.search_gap, name="faq_admin_search_gap"),
        path("faq/helpfulness/", admin_views.helpfulness, name="faq_admin_helpfulness"),
        path(
            "faq/helpfulness/<int:pk>/",
            admin_views.helpfulness_entry,
            name="faq_admin_helpfulness_entry",
        ),
    ]


faq_menu = Menu(register_hook_name="register_faq_menu_item")


@hooks.register("register_faq_menu_item")
def register_questions_item():
    return EditorsMenuItem(
        "Questions from staff", reverse("faq_admin_questions"), icon_name="help", order=100
    )


@hooks.register("register_faq_menu_item")
def register_gaps_item():
    return EditorsMenuItem(
        "Searches with no results", reverse("faq_admin_search_gaps"), icon_name="search", order=200
    )


@hooks.register("register_faq_menu_item")
def register_helpfulness_item():
    return EditorsMenuItem(
        "Helpfulness", reverse("faq_admin_helpfulness"), icon_name="tick", order=300
    )


class FAQMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return can_edit_content(request.user)


@hooks.register("register_admin_menu_item")
def register_faq_menu():
    return FAQMenuItem("FAQ guide", faq_menu, icon_name="help", name="faq-guide", order=250)
