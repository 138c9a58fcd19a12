"""A SAML 2.0 identity provider for the tests, built on pysaml2's IdP (`saml2.server.Server`).

    python tests/peers/saml/idp.py <config.json>

config.json: {"port": N, "sp": {"entity_id": ..., "acs_url": ...},
              "users": {"<email>": {"first_name": ..., "last_name": ..., "groups": [...]}},
              "workdir": "<dir for the generated key, certificate and metadata>"}

Entity id and base URL: http://127.0.0.1:<port>. Prints `READY <base URL>` once listening.

    GET  /metadata               the IdP's metadata (signing certificate, SSO at /sso)
    GET  /sso, POST /sso         an AuthnRequest (HTTP-Redirect or HTTP-POST binding) -> login page;
                                 the login form (posted back to /sso) -> auto-POST to the SP's ACS
    GET  /idp-initiated?email=&relay_state=   an unsolicited Response, auto-POSTed the same way
    PUT  /_test/users            replace the users (JSON object, as in the config)
    POST /_test/next-response    {"mode": "signed|unsigned|expired|wrong_audience|wrong_signature"}
                                 for the next Response only
    GET  /_test/last-response    {"SAMLResponse": ..., "RelayState": ...} as last posted
    GET  /_test/health

Responses: NameID emailAddress = the email; attributes `email`, `first_name`, `last_name` and
multi-valued `groups` (NameFormat basic); Response and Assertion both signed, RSA-SHA256/SHA-256.
"""

import base64
import datetime
import html
import json
import secrets
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from xml.sax.saxutils import quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.attribute_converter import AttributeConverterNOOP
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import (
    AUTHN_PASSWORD_PROTECTED,
    NAME_FORMAT_BASIC,
    NAMEID_FORMAT_EMAILADDRESS,
    NameID,
)
from saml2.samlp import AuthnRequest
from saml2.server import Server
from saml2.sigver import pre_signature_part
from saml2.time_util import instant
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

MODES = ("signed", "unsigned", "expired", "wrong_audience", "wrong_signature")
SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
WRONG_AUDIENCE = "https://some-other-sp.example/metadata/"
LIFETIME_MINUTES = 5


def make_key_and_cert(workdir: Path) -> tuple[Path, Path]:
    """A fresh RSA key and self-signed certificate, written as PEM files in workdir."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test SAML IdP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = workdir / "idp-key.pem", workdir / "idp-cert.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def sp_metadata(entity_id: str, acs_url: str) -> str:
    """The SP's metadata, given to pysaml2 inline so that it never fetches anything."""
    return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    entityID={quoteattr(entity_id)}>
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
      AuthnRequestsSigned="false" WantAssertionsSigned="true">
    <md:NameIDFormat>{NAMEID_FORMAT_EMAILADDRESS}</md:NameIDFormat>
    <md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location={quoteattr(acs_url)}
        index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"""


def make_server_config(base: str, key_file: Path, cert_file: Path, sp: dict) -> IdPConfig:
    config = IdPConfig()
    config.load(
        {
            "entityid": base,
            "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
            "key_file": str(key_file),
            "cert_file": str(cert_file),
            "metadata": {"inline": [sp_metadata(sp["entity_id"], sp["acs_url"])]},
            "signing_algorithm": SIG_RSA_SHA256,
            "digest_algorithm": DIGEST_SHA256,
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{base}/sso", BINDING_HTTP_REDIRECT),
                            (f"{base}/sso", BINDING_HTTP_POST),
                        ]
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "want_authn_requests_signed": False,
                    # NameFormat basic, 5 minutes of validity for Conditions and
                    # SubjectConfirmationData, no attribute filtering.
                    "policy": {
                        "default": {
                            "name_form": NAME_FORMAT_BASIC,
                            "lifetime": {"minutes": LIFETIME_MINUTES},
                            "attribute_restrictions": None,
                        }
                    },
                }
            },
        }
    )
    # pysaml2's default converters rename the names they know ("email" goes out as
    # "urn:oid:1.2.840.113549.1.9.1.1", or "urn:mace:dir:attribute-def:email" in basic format).
    # A no-op converter for NameFormat basic sends our names exactly as they are.
    config.attribute_converters = [AttributeConverterNOOP(NAME_FORMAT_BASIC)]
    return config


class Idp:
    def __init__(self, base: str, sp: dict, users: dict, workdir: Path):
        self.base = base
        self.sp = sp
        self.users = users
        key_file, cert_file = make_key_and_cert(workdir)
        self.server = Server(config=make_server_config(base, key_file, cert_file, sp))
        descriptor = entity_descriptor(self.server.config)
        # pysaml2 always adds an <Extensions> listing every algorithm xmlsec1 knows (MD5, SHA-1,
        # DSA...); drop it, the SP has no use for it.
        descriptor.extensions = None
        self.metadata = str(descriptor)
        (workdir / "idp-metadata.xml").write_text(self.metadata)
        self.pending: dict[str, tuple[str, str | None]] = {}  # form key -> (request id, relay)
        self.next_mode = "signed"
        self.last_response: dict | None = None
        self.lock = threading.Lock()

    # --- SAML ----------------------------------------------------------------------------------

    def parse_authn_request(self, saml_request: str, binding: str) -> str:
        """The AuthnRequest's ID, after checking who sent it and where the answer goes."""
        # Any signature on the request is ignored (want_authn_requests_signed is off and a
        # redirect binding's Signature is not passed on). pysaml2 does check the Destination.
        request = self.server.parse_authn_request(saml_request, binding).message
        assert isinstance(request, AuthnRequest)
        issuer = request.issuer.text.strip() if request.issuer is not None else None
        if issuer != self.sp["entity_id"]:
            raise ValueError(f"unknown SP {issuer!r}, expected {self.sp['entity_id']!r}")
        acs = request.assertion_consumer_service_url
        if acs and acs != self.sp["acs_url"]:
            raise ValueError(
                f"AssertionConsumerServiceURL {acs!r}, expected {self.sp['acs_url']!r}"
            )
        return request.id

    def make_response(self, email: str, in_response_to: str | None) -> str:
        """A Response for this user, base64 encoded, in the mode asked for (then back to signed)."""
        with self.lock:
            mode, self.next_mode = self.next_mode, "signed"
            user = self.users[email]
            identity = {
                "email": [email],
                "first_name": [user.get("first_name", "")],
                "last_name": [user.get("last_name", "")],
                "groups": list(user.get("groups", [])),
            }
            identity = {k: v for k, v in identity.items() if v and v != [""]}
            # Unsigned first (a samlp.Response instance), so the bad modes can change it before
            # it is signed.
            response = self.server.create_authn_response(
                identity,
                in_response_to=in_response_to,
                destination=self.sp["acs_url"],
                sp_entity_id=self.sp["entity_id"],
                name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
                authn={"class_ref": AUTHN_PASSWORD_PROTECTED},
                sign_response=False,
                sign_assertion=False,
            )
            assertion = response.assertion
            if mode == "expired":
                issued = int(time.time()) - 2 * 3600
                until = instant(time_stamp=issued + LIFETIME_MINUTES * 60)
                response.issue_instant = assertion.issue_instant = instant(time_stamp=issued)
                assertion.conditions.not_before = instant(time_stamp=issued)
                assertion.conditions.not_on_or_after = until
                for confirmation in assertion.subject.subject_confirmation:
                    confirmation.subject_confirmation_data.not_on_or_after = until
                for statement in assertion.authn_statement:
                    statement.authn_instant = instant(time_stamp=issued)
            elif mode == "wrong_audience":
                assertion.conditions.audience_restriction[0].audience[0].text = WRONG_AUDIENCE

            if mode == "unsigned":
                xml = response.to_string().decode()
            else:
                # The assertion is signed first, then the response around it.
                assertion.signature = pre_signature_part(
                    assertion.id,
                    self.server.sec.my_cert,
                    2,
                    sign_alg=SIG_RSA_SHA256,
                    digest_alg=DIGEST_SHA256,
                )
                xml = self.server.sign(
                    response,
                    to_sign=[("urn:oasis:names:tc:SAML:2.0:assertion:Assertion", assertion.id)],
                    sign_alg=SIG_RSA_SHA256,
                    digest_alg=DIGEST_SHA256,
                )
            if mode == "wrong_signature":
                xml = tamper_email(xml, "mallory@evil.example")
            return base64.b64encode(xml.encode()).decode()

    # --- HTTP ----------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        body = b""
        if method in ("POST", "PUT"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
        try:
            status, content_type, content = self.route(method, path, query, body)
        except Exception as exc:  # a test peer: say what went wrong instead of a bare 500
            print(f"error on {method} {path}: {exc!r}", file=sys.stderr)  # noqa: T201
            status, content_type, content = "500 Internal Server Error", "text/plain", repr(exc)
        data = content.encode()
        start_response(
            status,
            [
                ("Content-Type", f"{content_type}; charset=utf-8"),
                ("Content-Length", str(len(data))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [data]

    def route(self, method: str, path: str, query: dict, body: bytes) -> tuple[str, str, str]:
        if path == "/metadata" and method == "GET":
            return "200 OK", "application/samlmetadata+xml", self.metadata
        if path == "/sso" and method == "GET":
            return self.sso(query, BINDING_HTTP_REDIRECT)
        if path == "/sso" and method == "POST":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if "SAMLRequest" in form:
                return self.sso(form, BINDING_HTTP_POST)
            return self.login(form)
        if path == "/idp-initiated" and method == "GET":
            email = query.get("email", "")
            if email not in self.users:
                return "404 Not Found", "text/plain", f"no user {email!r}"
            return self.post_to_sp(self.make_response(email, None), query.get("relay_state"))
        if path == "/_test/health" and method == "GET":
            return json_ok({"status": "ok"})
        if path == "/_test/users" and method == "PUT":
            users = json.loads(body)
            with self.lock:
                self.users = users
            return json_ok({"users": sorted(users)})
        if path == "/_test/next-response" and method == "POST":
            mode = json.loads(body).get("mode")
            if mode not in MODES:
                return (
                    "400 Bad Request",
                    "application/json",
                    json.dumps({"error": f"mode {mode!r}"}),
                )
            with self.lock:
                self.next_mode = mode
            return json_ok({"mode": mode})
        if path == "/_test/last-response" and method == "GET":
            if self.last_response is None:
                return "404 Not Found", "application/json", json.dumps({"error": "none yet"})
            return json_ok(self.last_response)
        return "404 Not Found", "text/plain", f"no {method} {path}"

    def sso(self, params: dict, binding: str) -> tuple[str, str, str]:
        if "SAMLRequest" not in params:
            return "400 Bad Request", "text/plain", "SAMLRequest missing"
        try:
            request_id = self.parse_authn_request(params["SAMLRequest"], binding)
        except Exception as exc:
            return "400 Bad Request", "text/plain", f"bad AuthnRequest: {exc}"
        key = secrets.token_urlsafe(16)
        with self.lock:
            self.pending[key] = (request_id, params.get("RelayState"))
        return "200 OK", "text/html", login_page(key)

    def login(self, form: dict) -> tuple[str, str, str]:
        key, email = form.get("key", ""), form.get("email", "").strip()
        if key not in self.pending:
            return "400 Bad Request", "text/plain", "unknown or used sign-in request"
        if email not in self.users:
            return "200 OK", "text/html", login_page(key, email, error=True)
        with self.lock:
            request_id, relay_state = self.pending.pop(key)
        return self.post_to_sp(self.make_response(email, request_id), relay_state)

    def post_to_sp(self, saml_response: str, relay_state: str | None) -> tuple[str, str, str]:
        with self.lock:
            self.last_response = {"SAMLResponse": saml_response, "RelayState": relay_state}
        return "200 OK", "text/html", auto_post_page(self.sp["acs_url"], saml_response, relay_state)


def tamper_email(xml: str, new_email: str) -> str:
    """Change the signed `email` attribute's value, so both signatures' digests no longer match."""
    root = etree.fromstring(xml.encode())
    (value,) = root.xpath(
        "//saml:Attribute[@Name='email']/saml:AttributeValue", namespaces={"saml": SAML_NS}
    )
    value.text = new_email
    return etree.tostring(root).decode()


def json_ok(data) -> tuple[str, str, str]:
    return "200 OK", "application/json", json.dumps(data)


def page(title: str, content: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body>
<main>
{content}
</main>
</body>
</html>
"""


def login_page(key: str, email: str = "", error: bool = False) -> str:
    alert = ""
    invalid = ""
    if error:
        alert = '<p id="email-error" role="alert">No account with that email address.</p>\n'
        invalid = ' aria-invalid="true" aria-describedby="email-error"'
    return page(
        ("Error: " if error else "") + "Sign in – Test SAML IdP",
        f"""<h1>Sign in to Test SAML IdP</h1>
{alert}<form method="post" action="/sso">
<input type="hidden" name="key" value="{html.escape(key)}">
<p><label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" required
 value="{html.escape(email)}"{invalid}></p>
<p><button type="submit">Sign in</button></p>
</form>""",
    )


def auto_post_page(acs_url: str, saml_response: str, relay_state: str | None) -> str:
    relay = ""
    if relay_state is not None:
        relay = f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">\n'
    return page(
        "Signing you in – Test SAML IdP",
        f"""<h1>Signing you in</h1>
<form id="saml-post" method="post" action="{html.escape(acs_url)}">
<input type="hidden" name="SAMLResponse" value="{saml_response}">
{relay}<noscript><p>JavaScript is off: press Continue to finish signing in.</p>
<button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById("saml-post").submit();</script>""",
    )


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    workdir = Path(config["workdir"])
    workdir.mkdir(parents=True, exist_ok=True)
    # Bind first: with "port": 0 the entity id still names the real port.
    httpd = ThreadingWSGIServer(("127.0.0.1", config["port"]), QuietHandler)
    base = f"http://127.0.0.1:{httpd.server_port}"
    httpd.set_app(Idp(base, config["sp"], config.get("users", {}), workdir))

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"READY {base}", flush=True)  # noqa: T201 - the parent waits for this line
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
