"""Training in the Wagtail admin: the video library, beside Pages and Documents.

Videos are a snippet viewset: upload, captions and title; the duration and transcript are read
from the files (`Video.clean`). Only people who edit content see it. The video file itself goes
straight to storage, in parts, through the upload addresses registered here
(`video_upload_views`, `video_upload_field`).
"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import video_upload_views as uploads
from .models import Video
from .video_upload_field import VideoAdminForm


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

    def get_edit_handler(self):
        """The model's panels, with a file field that takes an upload already in storage."""
        return ObjectList(Video.panels, base_form_class=VideoAdminForm).bind_to_model(Video)


register_snippet(VideoViewSet)


@hooks.register("register_admin_urls")
def register_video_upload_urls():
    return [
        path("training/video-uploads/", uploads.upload_start, name=uploads.URL_START),
        path(
            "training/video-uploads/<uuid:upload_id>/parts/",
            uploads.upload_parts,
            name="training_video_upload_parts",
        ),
        path(
            "training/video-uploads/<uuid:upload_id>/parts/<int:number>",
            uploads.upload_part,
            name="training_video_upload_part",
        ),
        path(
            "training/video-uploads/<uuid:upload_id>/finish/",
            uploads.upload_finish,
            name="training_video_upload_finish",
        ),
        path(
            "training/video-uploads/<uuid:upload_id>/abort/",
            uploads.upload_abort,
            name="training_video_upload_abort",
        ),
    ]
