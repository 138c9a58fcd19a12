"""SAML responses are good for one sign-in. python3-saml checks the signature, audience,
destination and times; it cannot know whether it has seen an assertion before, and an
IdP-initiated response answers no request of ours, so nothing else ties it to one use. Here each
assertion's id is claimed in the database (unique) before allauth reads the response: the
second arrival of the same assertion is refused, on any server."""

import base64
import binascii
from datetime import UTC, datetime, timedelta

from allauth.socialaccount.providers.saml import views as allauth_saml
from defusedxml import ElementTree
from django.views.decorators.csrf import csrf_exempt

from .adapters import refusal
from .services import saml_assertion_claim

ASSERTION = "{urn:oasis:names:tc:SAML:2.0:assertion}Assertion"
CONDITIONS = "{urn:oasis:names:tc:SAML:2.0:assertion}Conditions"
REPLAYED = (
    "This sign-in answer from your identity provider was used already, so it cannot sign "
    "anyone in again. Start again from the sign-in page."
)
UNREADABLE = "The identity provider's answer could not be read. Start again from the sign-in page."
KEEP_AT_LEAST = timedelta(hours=1)


@csrf_exempt  # the identity provider posts here from its own page; the signature is the check
def acs(request, organization_slug):
    if request.method == "POST":
        found = _assertion_id_and_expiry(request.POST.get("SAMLResponse", ""))
        if found is None:
            return refusal(request, UNREADABLE, status=400)
        assertion_id, expires_at = found
        if assertion_id and not saml_assertion_claim(
            assertion_id=assertion_id, expires_at=expires_at
        ):
            return refusal(request, REPLAYED)
    return allauth_saml.acs(request, organization_slug=organization_slug)


def _assertion_id_and_expiry(encoded: str) -> tuple[str, datetime] | None:
    """The (first) assertion's id and until when it must be remembered; no id for an answer
    without an assertion (an error status), which allauth refuses with its reason."""
    try:
        root = ElementTree.fromstring(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError, ElementTree.ParseError):  # defusedxml's are ValueErrors
        return None
    assertion = root.find(f".//{ASSERTION}")
    if assertion is None or not assertion.get("ID"):
        return ("", datetime.now(UTC))
    expiry = datetime.now(UTC) + KEEP_AT_LEAST
    conditions = assertion.find(CONDITIONS)
    if conditions is not None and conditions.get("NotOnOrAfter"):
        try:
            stated = datetime.fromisoformat(conditions.get("NotOnOrAfter").replace("Z", "+00:00"))
            expiry = max(expiry, stated)
        except ValueError:
            pass
    return (assertion.get("ID")[:256], expiry)
