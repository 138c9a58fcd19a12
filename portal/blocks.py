"""StreamField blocks shared by every app's pages. Structured content, never layout."""

from django.core.validators import RegexValidator
from wagtail import blocks

# A page of this site that is not in the page tree (/office-hours/), or a full https address.
site_address = RegexValidator(
    r"^(/[^/\s][^\s]*|/|https://\S+)$",
    "Give an address on this site starting with / (such as /office-hours/) or an https:// one.",
)


class CalloutBlock(blocks.StructBlock):
    """A short highlighted message, e.g. "what's in it for my customers"."""

    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "help"
        template = "blocks/callout_block.html"


class PathStepBlock(blocks.StructBlock):
    """One step of the programme as it is introduced on the home page."""

    title = blocks.CharBlock(max_length=80)
    summary = blocks.TextBlock(max_length=300)
    effort = blocks.CharBlock(max_length=40, required=False, help_text='e.g. "7-minute video"')
    link = blocks.PageChooserBlock(required=False, help_text="Where the card leads.")
    address = blocks.CharBlock(
        required=False,
        max_length=200,
        validators=[site_address],
        help_text="Or an address, for pages outside the page tree (such as /office-hours/).",
    )


class PathStepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    steps = blocks.ListBlock(PathStepBlock(), min_num=1, max_num=8)

    class Meta:
        icon = "list-ol"
        template = "blocks/path_steps_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    callout = CalloutBlock()
    path_steps = PathStepsBlock()
