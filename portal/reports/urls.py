from django.urls import path

from . import views

urlpatterns = [
    path("", views.adoption, name="reports"),
    path("adoption.pdf", views.adoption_pdf, name="reports_pdf"),
    path("adoption.xlsx", views.adoption_xlsx, name="reports_xlsx"),
    path("adoption.csv", views.adoption_csv, name="reports_csv"),
    path("weekly-email/", views.digest_choose, name="reports_digest"),
    path("reminders/", views.target_reminders, name="reports_remind"),
]
