"""The endpoint browsers report CSP violations to (issue 20): it logs each one without secrets,
takes both report formats from anyone (no session, no CSRF token), answers junk with 400 and
never 500, and stops logging an address that sends too many."""

import json
import logging
from itertools import count

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal import csp_reports
from tests.examples import examples

URL = "/csp-report/"
_addresses = count(1)


def _address() -> str:
    """A client address no other test used, so each test has a rate-limit window of its own."""
    n = next(_addresses)
    return f"10.20.{n // 250}.{n % 250 + 1}"


def _post(client, body, *, content_type="application/csp-report", address=None, **headers):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(
        URL, data, content_type=content_type, REMOTE_ADDR=address or _address(), **headers
    )


def _logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "portal.csp"]


CHROME_REPORT = {
    "csp-report": {
        "document-uri": "http://portal.example/accounts/welcome/s3cr3t-token/?next=/x",
        "referrer": "http://portal.example/mail?who=ana.lima@example.com",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; script-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "https://evil.example/steal.js?c=session-cookie",
        "line-number": 12,
        "source-file": "http://portal.example/static/portal/js/menu.js",
        "status-code": 200,
        "script-sample": "ana.lima@example.com",
    }
}


@pytest.fixture
def browser_client():
    """A browser with no session, whose posts are checked for a CSRF token as a real one's."""
    return Client(enforce_csrf_checks=True)


def test_a_report_is_logged_without_secrets_or_personal_data(browser_client, db, caplog):
    caplog.set_level(logging.WARNING, logger="portal.csp")
    response = _post(browser_client, CHROME_REPORT)
    assert response.status_code == 204
    assert _logged(caplog) == [
        "CSP violation: script-src-elem blocked https://evil.example on sign_in_link"
        " (from /static/portal/js/menu.js, enforce)"
    ]
    line = _logged(caplog)[0]
    for secret in ("s3cr3t-token", "session-cookie", "ana.lima", "steal.js"):
        assert secret not in line


def test_the_reporting_api_format_is_read_too(browser_client, db, caplog):
    caplog.set_level(logging.WARNING, logger="portal.csp")
    batch = [
        {
            "type": "csp-violation",
            "url": "http://portal.example/faq/",
            "body": {
                "documentURL": "http://portal.example/faq/",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
                "disposition": "report",
                "sample": "color: red",
            },
        },
        {"type": "deprecation", "body": {"id": "x"}},  # other kinds of report are not ours
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "http://portal.example/admin/",
                "effectiveDirective": "img-src",
                "blockedURL": "https://www.gravatar.com/avatar/abc",
            },
        },
    ]
    response = _post(browser_client, batch, content_type="application/reports+json")
    assert response.status_code == 204
    assert _logged(caplog) == [
        "CSP violation: style-src-attr blocked inline on /faq/ (from the page, report)",
        "CSP violation: img-src blocked https://www.gravatar.com on wagtailadmin_home"
        " (from the page, enforce)",
    ]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not json at all", "application/csp-report"),
        (b"", "application/csp-report"),
        (b'{"csp-report": "a string"}', "application/csp-report"),
        (b"[1, 2, 3]", "application/reports+json"),
        (b'{"csp-report": {}}', "text/plain"),  # the wrong kind of body
        (b'{"csp-report": {"blocked-uri": "\\u0000"}}', "application/csp-report"),
        (b"[" * 50 + b"]" * 50, "application/json"),
        (b'{"csp-report": {"x": "' + b"a" * 70_000 + b'"}}', "application/csp-report"),
        (b"NaN", "application/json"),
    ],
)
def test_junk_is_refused_with_400_and_logs_nothing(browser_client, db, caplog, body, content_type):
    caplog.set_level(logging.WARNING, logger="portal.csp")
    response = _post(browser_client, body, content_type=content_type)
    assert response.status_code == 400
    assert _logged(caplog) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
report_like = st.fixed_dictionaries(
    {"csp-report": st.dictionaries(st.sampled_from(list(CHROME_REPORT["csp-report"])), json_values)}
) | st.lists(
    st.fixed_dictionaries(
        {
            "type": st.just("csp-violation"),
            "body": st.dictionaries(
                st.sampled_from(["documentURL", "blockedURL", "effectiveDirective", "sourceFile"]),
                json_values,
            ),
        }
    ),
    max_size=3,
)


@hypothesis_settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=json_values | report_like)
def test_no_body_makes_it_fail(browser_client, db, body):
    """Whatever JSON arrives, in the shapes of a report or not: 204 or 400, never a 500."""
    response = _post(Client(raise_request_exception=False), body)
    assert response.status_code in {204, 400}, (body, response.status_code)


def test_a_flood_from_one_address_is_cut_off_and_others_still_get_through(
    browser_client, db, caplog
):
    caplog.set_level(logging.WARNING, logger="portal.csp")
    flooder, other = _address(), _address()
    answers = [
        _post(browser_client, CHROME_REPORT, address=flooder).status_code
        for _ in range(csp_reports.PER_ADDRESS + 5)
    ]
    assert answers == [204] * csp_reports.PER_ADDRESS + [429] * 5
    assert len(_logged(caplog)) == csp_reports.PER_ADDRESS
    assert _post(browser_client, CHROME_REPORT, address=other).status_code == 204


def test_behind_proxies_the_limit_counts_the_client_not_the_proxy(browser_client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = _address()
    for _ in range(csp_reports.PER_ADDRESS):
        response = _post(
            browser_client, CHROME_REPORT, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4"
        )
        assert response.status_code == 204
    assert (
        _post(
            browser_client, CHROME_REPORT, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.5"
        ).status_code
        == 204
    )
    # A forwarded-for header shorter than the proxies we trust is someone's forgery, not a 500.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3
    assert _post(browser_client, CHROME_REPORT, HTTP_X_FORWARDED_FOR="1.2.3.6").status_code == 204


def test_only_posts_are_taken(client, db):
    assert client.get(URL).status_code == 405
