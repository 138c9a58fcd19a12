"""What every SCIM view does before and after its own work, in one decorator.

In order: the bearer token (none or a wrong one: 401 and nothing written, not even a record of
the call), the method, the rate limit (429 with `Retry-After`), and for a write whether SCIM may
write the directory at all (`DIRECTORY_SOURCE=csv`: 403). Then the view runs under the protocol's
tolerance policy; whatever it raises becomes a SCIM error in words, never a stack trace. Last,
the call is recorded for the admin's Provisioning screen.
"""

import logging
from functools import wraps

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import SCIMException

from ..bad_input import BadInput, TooLarge, json_body
from . import ratelimit
from .calls import scim_call_record
from .errors import ScimError, error_response, from_exception, from_validation
from .protocol import POLICY
from .tokens import scim_token_for

logger = logging.getLogger(__name__)

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNAUTHORISED = (
    "This call needs a valid SCIM token, sent as 'Authorization: Bearer <token>'. A "
    "superuser makes one in the portal's admin (Provisioning) or with "
    "'manage.py scim_token create'; a revoked token no longer works."
)


def scim_endpoint(*methods: str, writes_directory: bool = True):
    """Decorate a view answering `methods`; it receives the request and its URL arguments."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            token = scim_token_for(request.headers.get("Authorization", ""))
            if token is None:
                logger.warning("SCIM call refused: no valid token")
                return error_response(
                    ScimError(
                        401, UNAUTHORISED, headers={"WWW-Authenticate": 'Bearer realm="SCIM"'}
                    )
                )
            response = _answer(request, view, methods, writes_directory, token, args, kwargs)
            detail = ""
            if response.status_code >= 400:
                detail = getattr(response, "scim_detail", "")
            scim_call_record(
                token=token,
                method=request.method,
                path=request.path,
                status=response.status_code,
                scim_type=getattr(response, "scim_type", ""),
                detail=detail,
            )
            return response

        return wrapped

    return decorator


def _answer(request, view, methods, writes_directory, token, args, kwargs):
    try:
        if request.method not in methods:
            raise ScimError(
                405,
                f"{request.path} answers {', '.join(methods)}, not {request.method}.",
                headers={"Allow": ", ".join(methods)},
            )
        wait = ratelimit.seconds_to_wait(token.pk)
        if wait:
            raise ScimError(
                429,
                f"Too many calls with this token: at most {settings.SCIM_RATE_LIMIT_PER_MINUTE} "
                f"a minute. Try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        if request.method in WRITES and writes_directory and settings.DIRECTORY_SOURCE == "csv":
            raise ScimError(
                403,
                "The staff directory is kept by the HR import here (DIRECTORY_SOURCE=csv), so "
                "the identity provider may read it but not change it.",
            )
        with POLICY:
            return view(request, *args, **kwargs)
    except ScimError as error:
        return _error(error)
    except ValidationError as error:
        return _error(from_validation(error))
    except SCIMException as error:
        return _error(from_exception(error))


def _error(error: ScimError):
    response = error_response(error)
    response.scim_type, response.scim_detail = error.scim_type or "", error.detail
    return response


def body(request) -> dict:
    """The request's JSON object, through the one reader of JSON bodies (`bad_input`)."""
    try:
        data = json_body(request, max_bytes=settings.SCIM_MAX_BODY_BYTES)
    except TooLarge as error:
        raise ScimError(413, str(error)) from None  # RFC 7644 names no scimType for it
    except BadInput as error:
        raise ScimError(400, str(error), "invalidSyntax") from None
    if not isinstance(data, dict):
        raise ScimError(400, "The data sent must be a JSON object.", "invalidSyntax")
    return data
