"""The FAQ guide in the Wagtail admin: a menu of the editors' screens, and their URLs.

The pages themselves (guide, categories, entries) are edited in the page explorer like any
other, with revisions and the moderation workflow; these screens are what pages cannot show.
"""

from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu

from portal.admin_menu import PermittedMenuItem, PermittedSubmenuMenuItem
from portal.permissions import can_edit_content

from . import admin_lists, admin_views


@hooks.register("register_admin_viewset")
def register_search_gaps():
    return admin_lists.search_gap_viewset


@hooks.register("register_admin_urls")
def register_faq_admin_urls():
    helpfulness = admin_lists.HelpfulnessView
    return [
        path("faq/questions/", admin_views.questions, name="faq_admin_questions"),
        path("faq/questions/<int:pk>/", admin_views.question, name="faq_admin_question"),
        path("faq/search-gaps/<int:pk>/", admin_views.search_gap, name="faq_admin_search_gap"),
        path("faq/helpfulness/", helpfulness.as_view(), name="faq_admin_helpfulness"),
        path(
            "faq/helpfulness/results/",
            helpfulness.as_view(results_only=True),
            name="faq_admin_helpfulness_results",
        ),
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
            allowed=allowed,
            icon_name=icon,
            order=order,
        )
        for order, (label, url_name, icon, allowed) in enumerate(
            [
                ("Questions from staff", "faq_admin_questions", "help", can_edit_content),
                (
                    "Searches with no results",
                    admin_lists.GAPS_INDEX,
                    "search",
                    admin_lists.may_review_faq,
                ),
                ("Helpfulness", "faq_admin_helpfulness", "tick", admin_lists.may_review_faq),
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
