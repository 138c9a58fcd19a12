"""The OpenID Connect provider class allauth uses (`SOCIALACCOUNT_PROVIDERS["openid_connect"]
["provider_class"]`): allauth's own, plus a nonce stashed with the request's state."""

import secrets

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from .views import CompanyOIDCAdapter


class CompanyOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = CompanyOIDCAdapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        # The nonce goes to the provider in the request and waits in our state; the ID token
        # must carry it back (checked in `portal.accounts.adapters`).
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


provider_classes = [CompanyOIDCProvider]
