"""The champion programme's pages, under /champions/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.directory, name="champions_directory"),
    path("nominate/", views.nominate, name="champions_nominate"),
    path("nominate/people/", views.people_search, name="champions_people_search"),
    path("me/", views.me, name="champions_me"),
    path("nominations/<int:pk>/endorse/", views.endorse, name="champions_endorse"),
    path("review/", views.review, name="champions_review"),
    path("review/<int:staff_id>/", views.person, name="champions_person"),
    path("review/<int:staff_id>/decide/", views.decide, name="champions_decide"),
    path("coverage/", views.coverage, name="champions_coverage"),
    path("report/", views.report, name="champions_report"),
    path("report.pdf", views.report, {"fmt": "pdf"}, name="champions_report_pdf"),
]
