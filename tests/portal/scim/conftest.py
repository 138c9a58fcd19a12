"""A SCIM client: the test client with a valid bearer token, and helpers to call `/scim/v2/`."""

import json

import pytest

from portal.scim.tokens import scim_token_create

SCIM = "application/scim+json"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class ScimClient:
    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def _headers(self, token):
        token = self.token if token is None else token
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, token=None, **params):
        return self.client.get(f"/scim/v2/{path}", params, **self._headers(token))

    def send(self, method, path, data=None, token=None, raw: bytes | None = None):
        body = raw if raw is not None else json.dumps(data or {})
        return getattr(self.client, method.lower())(
            f"/scim/v2/{path}", body, content_type=SCIM, **self._headers(token)
        )

    def post(self, path, data, **kwargs):
        return self.send("POST", path, data, **kwargs)

    def put(self, path, data, **kwargs):
        return self.send("PUT", path, data, **kwargs)

    def patch(self, path, operations, **kwargs):
        return self.send("PATCH", path, {"schemas": [PATCH], "Operations": operations}, **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete(f"/scim/v2/{path}", **self._headers(kwargs.get("token")))


@pytest.fixture
def scim(client, db):
    _, token = scim_token_create(name="Entra ID")
    return ScimClient(client, token)


def user_payload(user_name, email=None, **extra):
    """A User as identity providers send one: core schema, a work email, the extension."""
    enterprise = extra.pop("enterprise", None)
    payload = {
        "schemas": [CORE] + ([ENTERPRISE] if enterprise else []),
        "userName": user_name,
        "active": True,
        "emails": [{"value": email or user_name, "type": "work", "primary": True}],
        **extra,
    }
    if enterprise:
        payload[ENTERPRISE] = enterprise
    return payload
