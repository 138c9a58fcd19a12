"""Training's pages: one training index, modules in the order editors arrange them, lessons,
and the rules of engagement with a version.

Pages hold content and route to views; what a person has done lives in `progress`, and the rules
live in `training.services` and `training.selectors`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.people.models import Role
from portal.tiers.models import Tier

from ..blocks import LessonStreamBlock


class TrainingIndexPage(Page):
    """Training: every module, in order, with where this person stands in each. There is one."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["training.ModulePage", "training.PolicyPage"]
    max_count = 1

    class Meta:
        verbose_name = "training index"

    def serve(self, request, *args, **kwargs):
        from .. import views

        return views.training_index(request, index=self)


class ModulePage(Page):
    """A module: lessons worked through in order, counting toward a tier."""

    summary = models.CharField(max_length=300, help_text="One sentence: what people will learn.")
    tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The tier this module is the training for: completing it counts toward the "
        "tier and earns a certificate. Leave empty for an optional module.",
    )
    audiences = ParentalManyToManyField(
        Role,
        blank=True,
        related_name="+",
        verbose_name="for roles",
        help_text="The roles this module is for; leave empty for everyone.",
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1)]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("tier"),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("estimated_minutes"),
            ],
            heading="Who it is for",
        ),
        InlinePanel(
            "prerequisites",
            heading="Prerequisites",
            label="Module to complete first",
            help_text="People must complete these modules before this one opens.",
        ),
        InlinePanel(
            "assignments",
            heading="Required for roles",
            label="Required for a role",
            help_text="People in these roles see the module as due, counted from their start "
            "date, and get one reminder once it is overdue.",
        ),
    ]

    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["training.TrainingIndexPage"]
    subpage_types = ["training.LessonPage"]

    class Meta:
        verbose_name = "training module"

    def clean(self):
        super().clean()
        required = [p.required_id for p in self.prerequisites.all() if p.required_id]
        if self.pk and self.pk in required:
            raise ValidationError("A module cannot be its own prerequisite.")
        if self.pk and _reaches(set(required), self.pk):
            raise ValidationError(
                "These prerequisites make a circle: a module they need already needs this one."
            )

    def serve(self, request, *args, **kwargs):
        from .. import views

        return views.module(request, module=self)


def _reaches(start: set[int], target: int) -> bool:
    """Whether following prerequisites from `start` ever arrives at `target`."""
    seen, frontier = set(), set(start)
    while frontier:
        if target in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                ModulePrerequisite.objects.filter(module_id__in=frontier).values_list(
                    "required_id", flat=True
                )
            )
            - seen
        )
    return False


class ModulePrerequisite(Orderable):
    module = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="prerequisites")
    required = models.ForeignKey(
        ModulePage, on_delete=models.CASCADE, related_name="+", verbose_name="module"
    )

    panels = [FieldPanel("required")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["module", "required"], name="module_prereq_once")
        ]


class ModuleAssignment(Orderable):
    module = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    due_days = models.PositiveSmallIntegerField(
        "due after (days)",
        default=30,
        help_text="Days after the person's start date, or after today for people who started "
        "before the module was assigned. People without a start date see it as required, "
        "with no due date.",
    )
    # People who joined before the assignment existed get the same days from this date, so a
    # newly assigned module is not "overdue since 2019" (nor a morning of reminder emails).
    assigned_on = models.DateField(default=timezone.localdate, editable=False)

    panels = [FieldPanel("role"), FieldPanel("due_days")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["module", "role"], name="module_assignment_once")
        ]


class LessonPage(RoutablePageMixin, Page):
    """One lesson: text, videos, knowledge checks, resources. Done when its videos are watched
    and its checks passed, and the person says so (or it happens as the last check passes)."""

    body = StreamField(LessonStreamBlock())
    estimated_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1)]
    )

    content_panels = [*Page.content_panels, FieldPanel("estimated_minutes"), FieldPanel("body")]

    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["training.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = "lesson"

    @path("")
    def lesson_view(self, request):
        from .. import views

        return views.lesson(request, lesson=self)

    @path("complete/")
    def complete_view(self, request):
        from .. import views

        return views.lesson_complete(request, lesson=self)

    @re_path(r"^checks/(?P<block_id>[0-9a-f-]{36})/$")
    def check_view(self, request, block_id):
        from .. import views

        return views.check_submit(request, lesson=self, block_id=block_id)

    @re_path(r"^videos/(?P<block_id>[0-9a-f-]{36})/progress/$")
    def progress_view(self, request, block_id):
        from .. import views

        return views.video_progress(request, lesson=self, block_id=block_id)


class PolicyPage(RoutablePageMixin, Page):
    """The rules of engagement. Raising the version asks everyone to acknowledge it again."""

    body = RichTextField(features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    version = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Raise it when a change needs everyone to read and acknowledge the rules "
        "again. Fixing a typo does not.",
    )
    change_summary = models.CharField(
        "what changed",
        max_length=300,
        blank=True,
        help_text="Shown to people who acknowledged an earlier version.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("version"), FieldPanel("change_summary")], heading="Version"),
    ]

    parent_page_types = ["training.TrainingIndexPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "rules of engagement"
        verbose_name_plural = "rules of engagement"

    def clean(self):
        super().clean()
        if self.pk:
            live = PolicyPage.objects.filter(pk=self.pk).values_list("version", flat=True).first()
            if live is not None and self.version < live:
                raise ValidationError(
                    {"version": f"The version cannot go back: the saved one is {live}."}
                )

    @property
    def acknowledgement_subject(self) -> str:
        """The event subject of acknowledging this version; the tier requirement follows it."""
        return f"v{self.version}"

    @path("")
    def policy_view(self, request):
        from .. import views

        return views.policy(request, policy=self)

    @path("acknowledge/")
    def acknowledge_view(self, request):
        from .. import views

        return views.policy_acknowledge(request, policy=self)
