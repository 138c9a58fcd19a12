"""Pinned query counts: a page of Users, one User, a create, a patch and a delete cost the
same number of queries whatever the directory's size, so a first sync of 100,000 people is
100,000 times one request's cost, never more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.factories import StaffFactory

from .conftest import user_payload

pytestmark = pytest.mark.django_db


def _queries(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 400, response.content
    return len(queries)


def _grow(scim, n, start):
    for i in range(n):
        scim.post(
            "Users",
            user_payload(
                f"p{start + i}@example.com",
                title=f"Role {i % 3}",
                addresses=[{"type": "work", "locality": f"Town {i % 4}"}],
                enterprise={"department": f"Dept {i % 5}", "manager": {"value": "1"}},
            ),
        )


def test_query_counts_do_not_grow_with_the_directory(scim):
    scim.get("ServiceProviderConfig")  # the token's first use is written once
    boss = scim.post("Users", user_payload("boss@example.com")).json()
    _grow(scim, 3, 0)
    small = {
        "list": _queries(lambda: scim.get("Users", count=50)),
        "filter": _queries(lambda: scim.get("Users", filter='userName eq "p1@example.com"')),
        "one": _queries(lambda: scim.get(f"Users/{boss['id']}")),
        "create": _queries(
            lambda: scim.post(
                "Users",
                user_payload(
                    "n1@example.com",
                    enterprise={"department": "Dept 1", "manager": {"value": boss["id"]}},
                ),
            )
        ),
        "patch": _queries(
            lambda: scim.patch(
                f"Users/{boss['id']}", [{"op": "replace", "path": "displayName", "value": "B1"}]
            )
        ),
    }
    _grow(scim, 40, 100)
    for _i in range(20):
        StaffFactory()  # people the HR import made
    large = {
        "list": _queries(lambda: scim.get("Users", count=50)),
        "filter": _queries(lambda: scim.get("Users", filter='userName eq "p101@example.com"')),
        "one": _queries(lambda: scim.get(f"Users/{boss['id']}")),
        "create": _queries(
            lambda: scim.post(
                "Users",
                user_payload(
                    "n2@example.com",
                    enterprise={"department": "Dept 1", "manager": {"value": boss["id"]}},
                ),
            )
        ),
        "patch": _queries(
            lambda: scim.patch(
                f"Users/{boss['id']}", [{"op": "replace", "path": "displayName", "value": "B2"}]
            )
        ),
    }
    assert large == small
    assert small == {"list": 4, "filter": 4, "one": 3, "create": 29, "patch": 24}
