"""Training's addresses outside the page tree: video files, and certificates (a person's own,
and the public check of one).

Lessons, modules and the rules of engagement route through their pages (`models`).
"""

from django.urls import path

from . import views

urlpatterns = [
    path("training-videos/<int:pk>/<str:kind>", views.video_file, name="training_video_file"),
    path("certificates/", views.certificates_mine, name="certificates_mine"),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify_form"),
    path("certificates/verify/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
]
