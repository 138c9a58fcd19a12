"""Single sign-on: django-allauth's provider settings, built from environment variables.

Pure functions of their arguments (no Django imports), so the settings module and the tests
build the same configuration: the tests point it at the OpenID provider and SAML identity
provider they start on loopback.

- OpenID Connect: authorization code with PKCE against any provider's issuer (discovery at
  `<issuer>/.well-known/openid-configuration`). Our provider class
  (`portal.accounts.oidc.provider`) adds a nonce and verifies every ID token's signature.
- SAML 2.0: the identity provider's metadata by URL or file; signed assertions required;
  IdP-initiated sign-in accepted (replays are refused in `portal.accounts.saml`).
"""

from pathlib import Path

# The organisation slug in the SAML addresses: /accounts/saml/company/{login,acs,metadata}/.
SAML_SLUG = "company"
# The provider id in the OpenID Connect addresses: /accounts/oidc/company/login/callback/.
OIDC_PROVIDER_ID = "company"
OIDC_PROVIDER_CLASS = "portal.accounts.oidc.provider.CompanyOIDCProvider"

# Attribute names the SAML provider reads, first found wins: our plain names, then the ones
# Entra ID (the xmlsoap claims), Okta/Google (plain) and LDAP-style IdPs (the OIDs) send.
SAML_ATTRIBUTES = {
    "email": [
        "email",
        "mail",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
    ],
    "first_name": [
        "first_name",
        "firstName",
        "givenName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
    ],
    "last_name": [
        "last_name",
        "lastName",
        "sn",
        "surname",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
    ],
}

# Where group memberships come from, in OIDC claims and SAML attributes alike.
GROUP_CLAIMS = [
    "groups",
    "roles",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
]


def oidc_app(*, issuer: str, client_id: str, secret: str, scopes: list[str], label: str) -> dict:
    return {
        "provider_id": OIDC_PROVIDER_ID,
        "name": label,
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": issuer.rstrip("/"),
            "oauth_pkce_enabled": True,
            "fetch_userinfo": True,
            "scope": scopes,
        },
    }


def saml_app(
    *,
    metadata_url: str = "",
    metadata_xml: str = "",
    sp_entity_id: str = "",
    label: str,
) -> dict:
    """allauth's SAML app. With a metadata file, its contents are parsed here once; with a URL,
    allauth fetches and caches it (four hours)."""
    if metadata_url:
        # No entity id: the first identity provider the document describes, as usual.
        idp = {"metadata_url": metadata_url, "entity_id": None}
    else:
        idp = _idp_from_metadata(metadata_xml)
    sp = {"entity_id": sp_entity_id} if sp_entity_id else {}
    return {
        "name": label,
        "provider_id": "",
        "client_id": SAML_SLUG,
        "settings": {
            "idp": idp,
            "sp": sp,
            "attribute_mapping": SAML_ATTRIBUTES,
            "advanced": {
                "strict": True,  # destination, audience, recipient and times are checked
                "want_assertion_signed": True,
                "want_attribute_statement": False,  # an email NameID alone is enough
                "reject_idp_initiated_sso": False,
                "allow_single_label_domains": True,  # hosts like "portal" inside a company
                "reject_deprecated_algorithm": True,
            },
        },
    }


def _idp_from_metadata(xml: str) -> dict:
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml)["idp"]
    return {
        "entity_id": parsed["entityId"],
        "x509cert": parsed.get("x509cert") or parsed["x509certMulti"]["signing"][0],
        "sso_url": parsed["singleSignOnService"]["url"],
    }


def providers(env) -> dict:
    """SOCIALACCOUNT_PROVIDERS from the environment (a mapping); no apps when SSO is off.

    Our OpenID Connect provider class is named even then: allauth builds its URLs once, from
    the classes, so tests can add an app later and reach our views."""
    oidc_apps, saml_apps = [], []
    issuer = env.get("OIDC_ISSUER", "").strip()
    if issuer:
        oidc_apps.append(
            oidc_app(
                issuer=issuer,
                client_id=env.get("OIDC_CLIENT_ID", ""),
                secret=env.get("OIDC_CLIENT_SECRET", ""),
                scopes=(env.get("OIDC_SCOPES") or "openid email profile").split(),
                label=env.get("OIDC_BUTTON_LABEL") or "Sign in with your work account",
            )
        )
    metadata_url = env.get("SAML_IDP_METADATA_URL", "").strip()
    metadata_file = env.get("SAML_IDP_METADATA_FILE", "").strip()
    if metadata_url or metadata_file:
        saml_apps.append(
            saml_app(
                metadata_url=metadata_url,
                metadata_xml="" if metadata_url else Path(metadata_file).read_text(),
                sp_entity_id=env.get("SAML_SP_ENTITY_ID", "").strip(),
                label=env.get("SAML_BUTTON_LABEL") or "Sign in with your company account",
            )
        )
    return {
        "openid_connect": {"provider_class": OIDC_PROVIDER_CLASS, "APPS": oidc_apps},
        "saml": {"APPS": saml_apps},
    }
