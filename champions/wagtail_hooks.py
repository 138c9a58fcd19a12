"""The champion programme's screens in the Wagtail admin: the list of unmatched community
activity (a snippet viewset with its resolve view, `admin_views`), every nomination
(`admin_nominations`), and a way from a person in the staff directory to their champion record
(nominations with every reason, decisions). The score's weights, the review cutoff and the
minimum tier to be invited are a generic setting (`models.ScoreSettings`, under Settings).

Everything shows only to people who run the programme; the views check again for themselves.
"""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.models import register_snippet

from portal.people.models import Staff
from portal.permissions import can_run_programme

from .admin_nominations import NominationViewSet
from .admin_views import UnmatchedActivityViewSet

register_snippet(UnmatchedActivityViewSet)
register_snippet(NominationViewSet)


@hooks.register("register_snippet_listing_buttons")
def champion_record_button(snippet, user, next_url=None):
    if isinstance(snippet, Staff) and can_run_programme(user):
        yield ListingButton(
            "Champion record",
            reverse("champions_person", args=[snippet.pk]),
            icon_name="user",
            priority=60,
        )
