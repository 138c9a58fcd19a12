"""The blocks a lesson is made of. Structured content only: editors choose what, never layout.

Video blocks refuse to publish a video without captions, and the WIIFM block refuses one longer
than seven minutes, using the duration read from the file itself. Drafts may hold either, so an
editor can save work while the captions are still being written: Wagtail defers this part of
validation while saving a draft (`is_deferred_validation`), and publishing or submitting for
moderation checks it.
"""

import itertools
import re

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from portal.blocks import CalloutBlock

WIIFM_MAX_SECONDS = 7 * 60
CHAPTER_TIME = re.compile(r"^(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)$")


def minutes_seconds(seconds: float) -> str:
    """7:30 for 450 seconds; 1:02:03 past an hour."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def chapter_seconds(text: str) -> int | None:
    """Seconds from "12:30" or "1:02:03"; None when it is not a time."""
    match = CHAPTER_TIME.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


class VideoBlock(blocks.StructBlock):
    """A self-hosted video played with its captions, its transcript beside it."""

    video = SnippetChooserBlock("training.Video")
    introduction = blocks.TextBlock(required=False, max_length=400)

    max_seconds: int | None = None  # the WIIFM block sets a limit

    class Meta:
        icon = "media"

    def clean(self, value):
        value = super().clean(value)
        video = value.get("video")
        if video is None or self.is_deferred_validation:
            return value
        errors = {}
        if not video.captions:
            errors["video"] = ValidationError(
                f"“{video.title}” has no captions. Add a WebVTT captions file to the video "
                "(Training videos in the admin) before publishing."
            )
        elif self.max_seconds is not None and round(video.duration) > self.max_seconds:
            errors["video"] = ValidationError(
                f"“{video.title}” lasts {minutes_seconds(video.duration)}; a WIIFM video may "
                f"last at most {minutes_seconds(self.max_seconds)}. Choose a shorter cut."
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class WIIFMVideoBlock(VideoBlock):
    """ "What's in it for me, and for my customers": seven minutes at most. Watching it counts
    toward the tier that asks for the WIIFM video."""

    max_seconds = WIIFM_MAX_SECONDS

    class Meta:
        icon = "media"
        label = "WIIFM video (7 minutes at most)"


class ChapterBlock(blocks.StructBlock):
    start = blocks.CharBlock(max_length=8, help_text='Where it starts, e.g. "12:30".')
    title = blocks.CharBlock(max_length=120)

    def clean(self, value):
        value = super().clean(value)
        if chapter_seconds(value["start"]) is None:
            raise StructBlockValidationError(
                block_errors={"start": ValidationError("Write the time as 12:30 or 1:02:03.")}
            )
        return value


class RecordedSessionBlock(VideoBlock):
    """A long recorded training session, with chapters to jump between."""

    chapters = blocks.ListBlock(ChapterBlock(), min_num=0, max_num=40)

    class Meta:
        icon = "media"
        label = "Recorded session"

    def clean(self, value):
        value = super().clean(value)
        starts = [chapter_seconds(c["start"]) for c in value["chapters"]]
        if any(b is not None and a is not None and b <= a for a, b in itertools.pairwise(starts)):
            raise StructBlockValidationError(
                block_errors={"chapters": ValidationError("List chapters in time order.")}
            )
        video = value.get("video")
        late = [s for s in starts if video and s is not None and s >= video.duration]
        if late and not self.is_deferred_validation:
            raise StructBlockValidationError(
                block_errors={
                    "chapters": ValidationError(
                        f"A chapter starts at {minutes_seconds(late[0])}, after the video ends "
                        f"({minutes_seconds(video.duration)})."
                    )
                }
            )
        return value


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)
    correct = blocks.BooleanBlock(required=False)


class QuestionBlock(blocks.StructBlock):
    SINGLE, MULTIPLE = "single", "multiple"

    prompt = blocks.CharBlock(max_length=400)
    kind = blocks.ChoiceBlock(
        choices=[(SINGLE, "One answer"), (MULTIPLE, "Several answers (tick all that apply)")],
        default=SINGLE,
    )
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=8)
    explanation = blocks.TextBlock(
        max_length=1000, help_text="Why the right answer is right; shown after answering."
    )

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        message = None
        if correct == 0:
            message = "Mark at least one choice as correct."
        elif value["kind"] == self.SINGLE and correct > 1:
            message = "A one-answer question has exactly one correct choice."
        if message:
            raise StructBlockValidationError(block_errors={"choices": ValidationError(message)})
        return value


class KnowledgeCheckBlock(blocks.StructBlock):
    """Questions scored on the server. Passing records `quiz_passed` and completes the lesson."""

    heading = blocks.CharBlock(max_length=120, default="Knowledge check")
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, max_num=30)
    pass_mark = blocks.IntegerBlock(
        min_value=1, max_value=100, default=80, help_text="Percent of questions to get right."
    )
    attempt_limit = blocks.IntegerBlock(
        required=False, min_value=1, max_value=20, help_text="Leave empty for unlimited."
    )

    class Meta:
        icon = "tasks"


class ResourceBlock(blocks.StructBlock):
    """A file to download: slides, a checklist, the one-page summary."""

    document = DocumentChooserBlock()
    description = blocks.CharBlock(max_length=200, required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/resource_block.html"


class CustomersCalloutBlock(CalloutBlock):
    class Meta:
        icon = "help"
        label = "What's in it for my customers"
        template = "blocks/callout_block.html"


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    customers = CustomersCalloutBlock()
    wiifm_video = WIIFMVideoBlock()
    recorded_session = RecordedSessionBlock()
    knowledge_check = KnowledgeCheckBlock()
    resource = ResourceBlock()


# The block types a lesson tracks per person: videos to watch, checks to pass.
VIDEO_TYPES = frozenset({"wiifm_video", "recorded_session"})
CHECK_TYPE = "knowledge_check"
