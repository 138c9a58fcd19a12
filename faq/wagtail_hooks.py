"""The FAQ guide in the Wagtail admin: a menu of the editors' screens, and their URLs.

The pages themselves (guide, categories, entries) are edited in the page explorer like any
other, with revisions and the moderation workflow; these screens are what pages cannot show.
"""

from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu

from portal.admin_menu import PermittedMenuItem, PermittedSubmenuMenuItem
from portal.permissions import can_edit_content

from . import admin_views


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


faq_menu = Menu(
    items=[
        PermittedMenuItem(
            label,
            reverse_lazy(url_name),
            allowed=can_edit_content,
            icon_name=icon,
            order=order,
        )
        for order, (label, url_name, icon) in enumerate(
            [
                ("Questions from staff", "faq_admin_questions", "help"),
                ("Searches with no results", "faq_admin_search_gaps", "search"),
                ("Helpfulness", "faq_admin_helpfulness", "tick"),
            ]
        )
    ]
)


@hooks.register("register_admin_menu_item")
def register_faq_menu():
    return PermittedSubmenuMenuItem(
        "FAQ guide",
        faq_menu,
        allowed=can_edit_content,
        icon_name="help",
        name="faq-guide",
        order=250,
    )
