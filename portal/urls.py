from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("webhooks/", include("champions.webhook_urls")),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt"
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("my-path/", views.my_path, name="my_path"),
    path("reports/", include("portal.reports.urls")),
    path("office-hours/", include("officehours.urls")),
    path("", include("training.urls")),
    path("champions/", include("champions.urls")),
    path("pilot/", include("portal.rollout.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree answers everything else; it must stay last.
urlpatterns += [path("", include(wagtail_urls))]
