"""Sign-in and callback views for our OpenID Connect provider: allauth's, with our adapter."""

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404


class CompanyOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token: str) -> dict:
        """Signature (from the JWKS), issuer, audience and expiry, always."""
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("The provider sent no ID token.")
        return super().complete_login(request, app, token, **kwargs)


def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(CompanyOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(CompanyOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
