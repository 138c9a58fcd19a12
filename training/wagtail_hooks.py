"""Training in the Wagtail admin: the video library, beside Pages and Documents.

Videos are a snippet viewset: upload, captions and title; the duration and transcript are read
from the files (`Video.clean`). Only people who edit content see it.
"""

from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Video


class VideoViewSet(SnippetViewSet):
    model = Video
    icon = "media"
    menu_label = "Training videos"
    menu_name = "training_videos"
    menu_order = 310
    add_to_admin_menu = True
    list_display = [
        "title",
        Column("length", label="Length"),
        Column("captions_state", label="Captions"),
        Column("uploaded_at", label="Uploaded"),
    ]
    search_fields = ["title"]


register_snippet(VideoViewSet)
