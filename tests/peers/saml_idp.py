"""A real, independent SAML 2.0 identity provider for the sign-in tests.

The portal is the service provider (django-allauth's SAML provider on python3-saml, strict,
signed assertions required). Testing it against responses we build by hand with the same
library would only prove that python3-saml agrees with itself. So the tests talk to another
implementation, pysaml2's IdP (`tests/peers/saml/idp.py`), run in its own process on
127.0.0.1 with its own freshly generated key: the portal fetches its metadata, redirects to its
login page and receives its auto-POSTed responses, as with a company's IdP. Its test API makes
it produce bad responses on purpose (unsigned, expired, for another audience, tampered with)
and hands back the last response for replay tests.

    with saml_idp_running(sp_entity_id=..., acs_url=..., users={...}) as idp:
        idp.next_response("expired")

pysaml2 signs with the xmlsec1 program: call `xmlsec1_or_skip()` first.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.peers import free_port, process_stop

IDP_SCRIPT = Path(__file__).resolve().parent / "saml" / "idp.py"
MODES = ("signed", "unsigned", "expired", "wrong_audience", "wrong_signature")
START_TIMEOUT = 20

# Loopback only: never through an HTTP(S)_PROXY the environment may set.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _request(method: str, url: str, data=None) -> bytes:
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - our http URL
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with _opener.open(request, timeout=10) as response:
        return response.read()


@dataclass(frozen=True)
class SamlIdp:
    base_url: str
    entity_id: str
    metadata_url: str
    sso_url: str

    def metadata_xml(self) -> str:
        return _request("GET", self.metadata_url).decode()

    def users_set(self, users: dict[str, dict]) -> None:
        """Replace the users: {email: {"first_name", "last_name", "groups": [...]}}."""
        _request("PUT", f"{self.base_url}/_test/users", users)

    def next_response(self, mode: str) -> None:
        """How the next response (only) is made: one of MODES; "signed" is the default."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {MODES}")
        _request("POST", f"{self.base_url}/_test/next-response", {"mode": mode})

    def idp_initiated_url(self, email: str, relay_state: str | None = None) -> str:
        """A page that auto-POSTs an unsolicited response for this user to the SP's ACS."""
        params = {"email": email}
        if relay_state is not None:
            params["relay_state"] = relay_state
        return f"{self.base_url}/idp-initiated?{urlencode(params)}"

    def last_response(self) -> dict:
        """{"SAMLResponse": base64 as posted, "RelayState": str | None} of the last response."""
        return json.loads(_request("GET", f"{self.base_url}/_test/last-response"))


def xmlsec1_or_skip() -> None:
    """Skip (fail on CI) when the xmlsec1 program pysaml2 signs with is not installed."""
    if shutil.which("xmlsec1"):
        return
    reason = (
        "SAML IDENTITY PROVIDER TESTS NOT RUN: the xmlsec1 program is missing. "
        "Install it with `apt-get install xmlsec1` (macOS: `brew install libxmlsec1`)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def saml_idp_running(
    *, sp_entity_id: str, acs_url: str, users: dict[str, dict]
) -> Iterator[SamlIdp]:
    """Start the IdP for this SP, yield it once it listens, stop it afterwards."""
    xmlsec1_or_skip()
    with tempfile.TemporaryDirectory(prefix="saml-idp-") as tmp:
        config = Path(tmp) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "port": free_port(),
                    "sp": {"entity_id": sp_entity_id, "acs_url": acs_url},
                    "users": users,
                    "workdir": tmp,
                }
            )
        )
        # stderr goes to a file: a pipe nobody reads would block the IdP once full.
        stderr_path = Path(tmp) / "stderr.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(  # noqa: S603 - our own script, no shell
                [sys.executable, str(IDP_SCRIPT), str(config)],
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        try:
            base_url = _wait_ready(process, stderr_path)
            yield SamlIdp(
                base_url=base_url,
                entity_id=base_url,
                metadata_url=f"{base_url}/metadata",
                sso_url=f"{base_url}/sso",
            )
        finally:
            process_stop(process, timeout=10)


def _wait_ready(process: subprocess.Popen, stderr_path: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([process.stdout], [], [], left)
        if not readable:
            break
        line = process.stdout.readline().decode().strip()
        if line.startswith("READY "):
            return line.split(" ", 1)[1]
        if not line and process.poll() is not None:
            break  # exited
    process.kill()
    process.wait()
    raise RuntimeError(
        f"the SAML IdP did not print READY (exit code {process.returncode}, waited up to"
        f" {START_TIMEOUT} s); its stderr:\n{stderr_path.read_text(errors='replace')}"
    )
