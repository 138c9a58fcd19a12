"""allauth includes the `urls` module of each provider class's package: these are allauth's
OpenID Connect addresses and names (/accounts/oidc/<id>/login/ and its callback), served by
our views."""

from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path(
        "oidc/",
        include(
            [
                re_path(
                    r"^(?P<provider_id>[^/]+)/",
                    include(
                        [
                            path("login/", views.login, name="openid_connect_login"),
                            path(
                                "login/callback/",
                                views.callback,
                                name="openid_connect_callback",
                            ),
                        ]
                    ),
                )
            ]
        ),
    )
]
