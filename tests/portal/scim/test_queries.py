"""Pinned query counts: a page of Users, one User, a create, a replace, a patch and a delete
cost the same number of queries whatever the directory's size, so a first sync of 100,000
people is 100,000 times one request's cost, never more.

A create with a department, role, location and manager was 31 queries and is 17 now (a patch
24 and now 13): Wagtail's reference index no longer follows people, the address and the
employee id are checked in one query, the SCIM side is written without being read first, the
person is answered as written instead of read back, a write reads the person once (under its
lock), and the directory's revision is renewed once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.factories import StaffFactory

from .conftest import ENTERPRISE, user_payload

pytestmark = pytest.mark.django_db

# The most queries each call may make, whatever the directory's size (the token's lookup and
# the call's record included).
MOST = {"list": 4, "one": 3, "create": 17, "replace": 13, "patch": 13, "delete": 10}


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


def _directory(scim, size: int) -> dict:
    """`size` people, three in four of them provisioned by SCIM, the rest made by the HR
    import; the first is everyone's manager. Returns the first."""
    scim.get("ServiceProviderConfig")  # the token's first use is written once
    boss = scim.post("Users", user_payload("boss@example.com")).json()
    by_scim = (size - 1) * 3 // 4
    _grow(scim, by_scim, 0)
    for _i in range(size - 1 - by_scim):
        StaffFactory()
    return boss


def _calls(scim, boss, tag):
    """Each kind of call once, on `boss` and on a new person named by `tag`."""
    made = {}
    new = user_payload(
        f"new-{tag}@example.com",
        title="Role 1",
        addresses=[{"type": "work", "locality": "Town 1"}],
        enterprise={"department": "Dept 1", "manager": {"value": boss["id"]}},
    )
    return {
        "list": lambda: scim.get("Users", count=50),
        "one": lambda: scim.get(f"Users/{boss['id']}"),
        "create": lambda: made.setdefault("response", scim.post("Users", new)),
        "replace": lambda: scim.put(
            f"Users/{boss['id']}",
            user_payload(
                "boss@example.com",
                displayName=f"Boss {tag}",
                enterprise={"department": "Dept 2", "employeeNumber": "B1"},
            ),
        ),
        "patch": lambda: scim.patch(
            f"Users/{boss['id']}",
            [
                {"op": "replace", "path": "displayName", "value": f"B {tag}"},
                {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Dept 1"},
            ],
        ),
        "delete": lambda: scim.delete(f"Users/{made['response'].json()['id']}"),
    }


@pytest.mark.parametrize("size", [5, 50])
def test_each_call_is_pinned_whatever_the_directory_s_size(
    scim, size, django_assert_max_num_queries
):
    boss = _directory(scim, size)
    for name, call in _calls(scim, boss, "x").items():
        with django_assert_max_num_queries(MOST[name]):
            response = call()
        assert response.status_code < 400, (name, response.content)


def test_query_counts_do_not_grow_with_the_directory(scim):
    boss = _directory(scim, 5)
    small = {name: _queries(call) for name, call in _calls(scim, boss, "small").items()}
    _grow(scim, 40, 100)
    for _i in range(20):
        StaffFactory()  # people the HR import made
    large = {name: _queries(call) for name, call in _calls(scim, boss, "large").items()}
    assert large == small == MOST
