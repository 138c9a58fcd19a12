"""Where someone works, from the address fields identity providers send (issue 21).

The work address (else the primary, else the first) gives the directory's location: its
locality, else its region, else its country, else its formatted text. Locations are matched by
name as the HR import matches them (case, spacing and Unicode width aside) and made when new,
as the HR import makes them. `locale` is a language tag for formatting (`en-US`), not a place:
it is kept and given back, and never moves anyone.

The payloads are in the shapes Entra ID and Okta send: Entra ID's default attribute mappings
put the city in `addresses[type eq "work"].locality` and the country in `.country`, and change
them by PATCH with those filtered paths (capitalised `Add`/`Replace`, or with
`aadOptscim062020` as keys of a path-less replace); Okta sends the whole address, with
`streetAddress` and `postalCode`, on create and on every PUT.
"""

import pytest

from portal.people.models import Location, Staff

from .conftest import CORE, ENTERPRISE

pytestmark = pytest.mark.django_db


def _location(user) -> str | None:
    staff = Staff.objects.select_related("location").get(pk=user["id"])
    return staff.location.name if staff.location else None


def _entra_user(**extra) -> dict:
    return {
        "schemas": [CORE, ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_1@contoso.example",
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": "Test_User_1@contoso.example"}],
        "meta": {"resourceType": "User"},
        "displayName": "Test User 1",
        ENTERPRISE: {"employeeNumber": "701984", "department": "Customer Success"},
        **extra,
    }


def _okta_user(**extra) -> dict:
    return {
        "schemas": [CORE],
        "userName": "jane.doe@example.com",
        "name": {"givenName": "Jane", "familyName": "Doe"},
        "emails": [{"primary": True, "value": "jane.doe@example.com", "type": "work"}],
        "displayName": "Jane Doe",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "active": True,
        **extra,
    }


def _okta_address(locality: str, **extra) -> list[dict]:
    return [
        {
            "type": "work",
            "streetAddress": "100 Main Street",
            "locality": locality,
            "region": "CA",
            "postalCode": "94105",
            "country": "US",
            "primary": True,
            **extra,
        }
    ]


def _created(scim, payload) -> dict:
    response = scim.post("Users", payload)
    assert response.status_code == 201, response.json()
    return response.json()


def _patched(scim, user, operations) -> dict:
    response = scim.patch(f"Users/{user['id']}", operations)
    assert response.status_code == 200, response.json()
    return response.json()


def test_entra_id_city_matches_a_location_the_hr_import_made_by_name(scim):
    dublin = Location.objects.create(name="Dublin")
    user = _created(
        scim,
        _entra_user(
            addresses=[
                {
                    "type": "work",
                    "streetAddress": "1 Main Street",
                    "locality": "  DUBLIN ",
                    "postalCode": "D02",
                    "country": "IE",
                    "primary": True,
                }
            ]
        ),
    )
    assert Staff.objects.get(pk=user["id"]).location_id == dublin.pk
    assert Location.objects.count() == 1


def test_entra_id_patches_the_work_address_by_filtered_paths(scim):
    user = _created(scim, _entra_user())  # no address mapped yet: no location
    assert _location(user) is None
    # The country alone: where they are, as precisely as the directory is told.
    _patched(
        scim,
        user,
        [{"op": "Add", "path": 'addresses[type eq "work"].country', "value": "IE"}],
    )
    assert _location(user) == "IE"
    # Then the city: it says more than the country, so it is the location (made: it is new).
    read = _patched(
        scim,
        user,
        [{"op": "Add", "path": 'addresses[type eq "work"].locality', "value": "Cork"}],
    )
    assert _location(user) == "Cork" and Location.objects.filter(name="Cork").exists()
    assert read["addresses"] == [{"type": "work", "country": "IE", "locality": "Cork"}]
    # A move, capitalised as Entra ID sends it without the flag.
    _patched(
        scim,
        user,
        [{"op": "Replace", "path": 'addresses[type eq "work"].locality', "value": "Galway"}],
    )
    assert _location(user) == "Galway"
    # The city cleared: the country is what is left.
    _patched(scim, user, [{"op": "Remove", "path": 'addresses[type eq "work"].locality'}])
    assert _location(user) == "IE"


def test_entra_id_with_aadoptscim062020_moves_the_city_as_a_key(scim):
    user = _created(
        scim, _entra_user(addresses=[{"type": "work", "locality": "Dublin", "country": "IE"}])
    )
    _patched(
        scim,
        user,
        [
            {
                "op": "replace",
                "value": {
                    'addresses[type eq "work"].locality': "Limerick",
                    f"{ENTERPRISE}:department": "Sales",
                },
            }
        ],
    )
    assert _location(user) == "Limerick"


def test_okta_sends_the_whole_address_and_a_locale_that_moves_nobody(scim):
    Location.objects.create(name="San Francisco")
    user = _created(scim, _okta_user(addresses=_okta_address("san francisco")))
    assert _location(user) == "San Francisco" and Location.objects.count() == 1
    read = scim.get(f"Users/{user['id']}").json()
    assert read["locale"] == "en-US"  # kept as sent
    assert read["addresses"][0]["locality"] == "san francisco"  # what was sent comes back
    # Okta's PUT after a move in its directory: the whole user again, a new city.
    replaced = scim.put(f"Users/{user['id']}", _okta_user(addresses=_okta_address("Oakland")))
    assert replaced.status_code == 200, replaced.json()
    assert _location(user) == "Oakland"
    # A profile without an address: no location, whatever the locale says.
    scim.put(f"Users/{user['id']}", _okta_user(locale="en-IE"))
    assert _location(user) is None
    assert not Location.objects.filter(name__icontains="en-").exists()


def test_the_work_address_wins_over_the_primary_and_the_first(scim):
    user = _created(
        scim,
        _okta_user(
            addresses=[
                {"type": "home", "locality": "Sausalito", "primary": True},
                {"type": "work", "locality": "Palo Alto"},
            ]
        ),
    )
    assert _location(user) == "Palo Alto"
    scim.put(
        f"Users/{user['id']}",
        _okta_user(
            addresses=[
                {"type": "other", "locality": "Reno"},
                {"type": "home", "locality": "Sausalito", "primary": True},
            ]
        ),
    )
    assert _location(user) == "Sausalito"


def test_a_city_too_long_for_the_directory_is_refused_in_words(scim):
    response = scim.post("Users", _okta_user(addresses=_okta_address("X" * 121)))
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert (
        "the work address's locality is longer than 120 characters" in (response.json()["detail"])
    )
    assert not Staff.objects.exists() and not Location.objects.exists()


def test_a_location_the_hr_import_set_is_what_scim_reads(scim):
    user = _created(scim, _okta_user(addresses=_okta_address("Oakland")))
    staff = Staff.objects.get(pk=user["id"])
    staff.location = Location.objects.create(name="Berlin")  # the HR import moved her
    staff.save()
    address = scim.get(f"Users/{user['id']}").json()["addresses"][0]
    assert address["locality"] == "Berlin" and "country" not in address and "region" not in address
