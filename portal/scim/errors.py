"""SCIM's answers: resources and errors as `application/scim+json`, errors in words.

Every refusal is an `Error` (RFC 7644 §3.12) with a `detail` sentence a person at the identity
provider can act on, and a `scimType` where the RFC has one for it.
"""

from django.http import JsonResponse
from pydantic import ValidationError
from scim2_models import Error, SCIMException

CONTENT_TYPE = "application/scim+json"


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type
        self.headers = headers or {}


def scim_response(data: dict, status: int = 200, headers=None) -> JsonResponse:
    response = JsonResponse(data, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: ScimError) -> JsonResponse:
    body = Error(status=error.status, scim_type=error.scim_type, detail=error.detail)
    return scim_response(body.model_dump(), status=error.status, headers=error.headers)


def from_validation(error: ValidationError) -> ScimError:
    """A payload the models refused: the first problem, named by its attribute."""
    first = error.errors()[0]
    scim = Error.from_validation_error(first)
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
    message = first.get("msg") or "the data sent is not a valid SCIM resource"
    detail = f"{where}: {message}" if where else message
    return ScimError(400, detail, scim.scim_type or "invalidValue")


def from_exception(error: SCIMException) -> ScimError:
    scim = error.to_error()
    return ScimError(int(scim.status), scim.detail or str(error), scim.scim_type)
