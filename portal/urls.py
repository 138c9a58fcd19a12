from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import csp_reports, media_serving, views
from .accounts import saml
from .accounts import views as accounts_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("csp-report/", csp_reports.csp_report, name="csp_report"),
    path("webhooks/", include("champions.webhook_urls")),
    path("scim/v2/", include("portal.scim.urls")),
    # Sign-in is allauth's (accounts/...), with our sign-in page, our SAML replay check in front
    # of its assertion consumer, sign-in links and the superusers' break-glass page.
    path("accounts/login/", accounts_views.sign_in, name="account_login"),
    path(
        "accounts/password/reset/",
        accounts_views.password_reset,
        name="account_reset_password",
    ),
    path("accounts/saml/<str:organization_slug>/acs/", saml.acs, name="saml_acs"),
    path("accounts/welcome/<str:token>/", accounts_views.sign_in_link, name="sign_in_link"),
    path(
        "accounts/welcome/",
        accounts_views.sign_in_link_password,
        name="sign_in_link_password",
    ),
    path("accounts/break-glass/", accounts_views.break_glass, name="break_glass"),
    path("accounts/", include("allauth.urls")),
    path("my-path/", views.my_path, name="my_path"),
    path("my-data/", include("portal.privacy.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("portal.reports.urls")),
    path("office-hours/", include("officehours.urls")),
    path("", include("training.urls")),
    path("champions/", include("champions.urls")),
    path("pilot/", include("portal.rollout.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Images, renditions and avatars, to signed-in people only, in every profile: a presigned
# redirect, nginx's X-Accel-Redirect or (development) the bytes (portal/media_serving.py).
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_serving.media_file, name="media_file"
    )
]

# Wagtail's page tree answers everything else; it must stay last.
urlpatterns += [path("", include(wagtail_urls))]
