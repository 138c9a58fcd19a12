"""A real, independent OpenID Connect provider on loopback, for the portal's SSO tests.

Mocking the identity provider would only test our assumptions about OIDC. Instead the tests
sign in against panva's ``oidc-provider`` (a certified OpenID Provider implementation, pinned in
``tests/peers/oidc/package.json``), run by ``tests/peers/oidc/provider.mjs`` as a separate
Node process on 127.0.0.1: discovery, JWKS, RS256-signed ID tokens, PKCE (S256, required),
nonce and client_secret_basic all behave as a real IdP's would. Its own small login page (at
``/interaction/<uid>``: "Email address" + "Sign in") replaces the library's dev pages, consent
is automatic, and a loopback-only control API lets a test change accounts between sign-ins or
tamper with the next ID token.

Usage::

    node_or_skip()
    with oidc_provider_running(redirect_uris=[...], accounts={"ada@example.org": {...}}) as idp:
        ...  # point the portal's OIDC app at idp.issuer / idp.client_id / idp.client_secret

Needs Node.js and ``npm ci --prefix tests/peers/oidc``.
"""

import json
import os
import secrets
import selectors
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.peers import free_port, process_stop

PEER_DIR = Path(__file__).resolve().parent / "oidc"
INSTALL_COMMAND = "npm ci --prefix tests/peers/oidc"
READY_TIMEOUT = 20.0


def node_or_skip() -> None:
    """Skip (or, in CI, fail) the calling test when Node or the provider's packages are missing."""
    if shutil.which("node") is None:
        problem = "`node` is not on PATH"
    elif not (PEER_DIR / "node_modules" / "oidc-provider").is_dir():
        problem = f"{PEER_DIR / 'node_modules'} is missing"
    else:
        return
    reason = (
        f"OIDC SSO TESTS NOT RUN: {problem}. They need Node.js 20+ and the test identity "
        f"provider's packages: run `{INSTALL_COMMAND}` from the repository root."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class OidcProvider:
    """A running test provider and the one client registered with it."""

    issuer: str
    client_id: str
    client_secret: str

    def accounts_set(self, accounts: dict[str, dict]) -> None:
        """Replace all accounts (login email -> claims); takes effect at the next token/userinfo."""
        self._control("PUT", "/_test/accounts", accounts)

    def tamper_next_id_token(self) -> None:
        """Alter the payload (email) of the next ID token issued, after signing it."""
        self._control("POST", "/_test/tamper-next-id-token")

    def _control(self, method: str, path: str, body: object = None) -> None:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310  (our own http://127.0.0.1 issuer)
            self.issuer + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()


def _first_line(process: subprocess.Popen, deadline: float) -> str:
    """The first line the process prints on stdout ('' if it exits or the deadline passes)."""
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while b"\n" not in buffer and (left := deadline - time.monotonic()) > 0:
            if selector.select(timeout=left):
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:  # EOF: the process exited
                    break
                buffer += chunk
    return buffer.split(b"\n", 1)[0].decode(errors="replace")


@contextmanager
def oidc_provider_running(
    *,
    redirect_uris: list[str],
    accounts: dict[str, dict],
    post_logout_redirect_uris: Iterable[str] = (),
) -> Iterator[OidcProvider]:
    """Start the provider on a free loopback port with one confidential client; stop it after."""
    port = free_port()
    client_id, client_secret = "portal-test", secrets.token_urlsafe(24)
    config = {
        "port": port,
        "clients": [
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
            }
        ],
        "accounts": accounts,
    }
    # NODE_ENV unset: oidc-provider's development mode, which allows an http:// issuer.
    env = {key: value for key, value in os.environ.items() if key != "NODE_ENV"}
    with tempfile.TemporaryDirectory(prefix="oidc-peer-") as tmp:
        config_path = Path(tmp) / "config.json"
        config_path.write_text(json.dumps(config))
        stderr_path = Path(tmp) / "stderr.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(  # noqa: S603  (fixed command, our own script)
                ["node", str(PEER_DIR / "provider.mjs"), str(config_path)],  # noqa: S607
                cwd=PEER_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        try:
            issuer = f"http://127.0.0.1:{port}"
            line = _first_line(process, time.monotonic() + READY_TIMEOUT)
            if line != f"READY {issuer}":
                try:  # give a crashing process a moment to be reaped, for its exit status
                    status = f"exit status {process.wait(timeout=1)}"
                except subprocess.TimeoutExpired:
                    status = "still running"
                raise RuntimeError(
                    f"test OIDC provider not READY within {READY_TIMEOUT:.0f} s "
                    f"({status}, first stdout line {line!r}); its stderr:\n"
                    + stderr_path.read_text(errors="replace")
                )
            yield OidcProvider(issuer=issuer, client_id=client_id, client_secret=client_secret)
        finally:
            process_stop(process, timeout=5)
