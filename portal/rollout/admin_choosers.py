"""Choosers for a wave rule's department, role and location: a modal that searches by name in
the database, as the directory grows past what a drop-down can show (a department's teams are
departments too). Only people who run the programme may open them, like every rollout screen.
"""

from django.core.exceptions import PermissionDenied
from django.views.defaults import permission_denied
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from ..admin_lists import DatabaseSearchForm
from ..people.models import Department, Location, Role
from ..permissions import can_run_programme


class ProgrammeOnly:
    """A 403 in words for anyone who does not run the programme (not Wagtail's redirect)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_run_programme(request.user):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


class NameSearchForm(DatabaseSearchForm):
    search_fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "Search by name"


class Choose(ProgrammeOnly, ChooseView):
    filter_form_class = NameSearchForm


class ChooseResults(ProgrammeOnly, ChooseResultsView):
    filter_form_class = NameSearchForm


class Chosen(ProgrammeOnly, ChosenView):
    pass


def _chooser(model, noun: str, icon: str) -> ChooserViewSet:
    return ChooserViewSet(
        f"rollout_{noun}_chooser",
        url_prefix=f"rollout/choose-{noun}",
        model=model,
        icon=icon,
        choose_one_text=f"Choose a {noun}",
        choose_another_text=f"Choose another {noun}",
        edit_item_text=f"Edit this {noun}",
        choose_view_class=Choose,
        choose_results_view_class=ChooseResults,
        chosen_view_class=Chosen,
    )


department_chooser = _chooser(Department, "department", "folder-open-inverse")
role_chooser = _chooser(Role, "role", "tag")
location_chooser = _chooser(Location, "location", "site")
CHOOSERS = (department_chooser, role_chooser, location_chooser)
