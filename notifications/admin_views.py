"""The nudges in the Wagtail admin (Settings-like, under the programme's menu): each nudge,
whether it is on, how often at most, and how many went out in the last 30 days; its form
changes the words, the interval and the channels. For the people who run the programme only.

There is one row per nudge type (written, switched off, the first time the list is read), so
nobody adds or deletes one here. The form refuses a placeholder the nudge cannot fill in, in
words, on the field (`nudges.wording_problems`).
"""

from datetime import timedelta

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from portal.permissions import ProgrammePolicy
from portal.rollout.admin_choosers import ProgrammeOnly

from . import kinds
from .channels import configured
from .models import Notification, NudgeRule
from .nudges import FIRST_NAME, nudge_rule_save, nudge_rules, registry, wording_problems

SENT_DAYS = 30
TITLE = "Nudges"


class NudgesPolicy(ProgrammePolicy):
    """People who run the programme see and change the nudges; nobody adds or deletes one."""

    ALLOWED = frozenset({"view", "change"})


class NudgeRuleForm(WagtailAdminModelForm):
    channels = forms.MultipleChoiceField(
        label="Channels",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=NudgeRule._meta.get_field("channels").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [
            (key, label)
            for key, label in kinds.CHANNELS.items()
            if key == kinds.INBOX or configured(key)
        ]
        nudge = registry.get(self.instance.type)
        if nudge is None or not nudge.announces:
            self.fields.pop("announce", None)  # only news for everyone is posted to a channel
        if nudge is not None:
            known = "; ".join(
                f"{{{name}}}: {meaning}"
                for name, meaning in {
                    FIRST_NAME: "the person's first name",
                    **nudge.placeholders,
                }.items()
            )
            self.fields[
                "text"
            ].help_text = f"{self.fields['text'].help_text} This one knows {known}."

    def clean(self):
        data = super().clean()
        nudge = registry.get(self.instance.type)
        if nudge is None:
            raise forms.ValidationError("This nudge no longer exists in the portal.")
        for name in ("title", "text"):
            for problem in wording_problems(data.get(name) or "", nudge.names()):
                self.add_error(name, problem)
        return data


def _description(rule: NudgeRule) -> str:
    nudge = registry.get(rule.type)
    return nudge.description if nudge else ""


class NudgeIndexView(ProgrammeOnly, IndexView):
    page_title = TITLE

    def get_base_queryset(self):
        nudge_rules()  # every nudge type has its row (switched off) before it is listed
        since = timezone.now() - timedelta(days=SENT_DAYS)
        sent = (
            Notification.objects.filter(nudge=OuterRef("type"), created_at__gte=since)
            .order_by()
            .values("nudge")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_base_queryset()
            .annotate(sent_30=Coalesce(Subquery(sent, output_field=IntegerField()), Value(0)))
        )

    @cached_property
    def no_results_message(self):
        return "The portal has no nudges."


class NudgeEditView(ProgrammeOnly, EditView):
    def get_page_subtitle(self):
        return str(self.object)

    def save_instance(self):
        """Saved by `nudge_rule_save` (the audit log says what changed), then Wagtail's own
        history of the object."""
        rule = self.form.save(commit=False)
        nudge_rule_save(rule=rule, by=self.request.user)
        self.has_content_changes = self.form.has_changed()
        log(instance=rule, action="wagtail.edit", content_changed=self.has_content_changes)
        return rule


class NudgeViewSet(ModelViewSet):
    model = NudgeRule
    icon = "mail"
    menu_label = TITLE
    menu_name = "nudges"
    menu_order = 907  # after Messages sent
    add_to_admin_menu = True
    url_prefix = "programme/nudges"
    permission_policy = NudgesPolicy(NudgeRule)
    index_view_class = NudgeIndexView
    edit_view_class = NudgeEditView
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            HelpPanel(
                heading="Who gets it",
                content="Each nudge goes to the people its rule finds, once per person within "
                "its interval, at a sensible hour in their own time zone; people can choose its "
                "channels or unsubscribe from it.",
            ),
            FieldPanel("enabled"),
            FieldPanel("title"),
            FieldPanel("text"),
            FieldPanel("every_days"),
            FieldPanel("channels"),
            FieldPanel("announce"),
        ],
        base_form_class=NudgeRuleForm,
    )
    list_display = [
        Column("type", label="Nudge", accessor="get_type_display"),
        Column("description", label="Who gets it", accessor=_description),
        BooleanColumn("enabled", label="On"),
        Column("every_days", label="At most every (days)"),
        Column("sent_30", label=f"Sent in the last {SENT_DAYS} days"),
    ]
    ordering = ["type"]
    list_per_page = 50


nudge_viewset = NudgeViewSet("notifications_nudges")
