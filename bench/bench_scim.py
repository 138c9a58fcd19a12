"""SCIM provisioning of 10,000 people, one POST each, as an identity provider's first sync does
(issue 21: an initial sync of 100,000 users must be practical).

Measured: 10,000 `POST /scim/v2/Users` through Django's test client with a bearer token, each
a whole request (authentication, parsing by scim2-models, the HR import's checks for one
person, the write, the answer), on top of the bench directory. Baseline: the HR import of the
same 10,000 people as one CSV file. Both are reported per row, both run inside a transaction
that is rolled back, so the bench data is left as it was. The ratio says how many times a
person costs more by SCIM than in a file; at 100,000 people, multiply the per-row time.
"""

import json
import time

from bench.bench_import import staff_file
from bench.harness import Context, say

ROWS = 10_000
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def users(data: bytes):
    """The rows of the CSV as the User resources Entra ID would send for them."""
    import csv
    import io

    for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))):
        yield {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "userName": row["email"],
            "displayName": row["name"],
            "title": row["role"],
            "active": True,
            "emails": [{"value": row["email"], "type": "work", "primary": True}],
            "addresses": [{"type": "work", "locality": row["location"]}],
            ENTERPRISE: {
                "employeeNumber": row["employee_id"],
                "department": row["department"],
                **({"manager": {"value": row["manager_email"]}} if row["manager_email"] else {}),
            },
        }


def run(ctx: Context) -> None:
    from django.db import transaction
    from django.test import Client, override_settings

    from portal.people.importing import staff_import
    from portal.scim.tokens import scim_token_create

    data = staff_file(ROWS, seed=21)
    with transaction.atomic():
        started = time.perf_counter()
        result = staff_import(data=data)
        per_row_import = (time.perf_counter() - started) / ROWS
        transaction.set_rollback(True)
    if not result.ok:
        raise RuntimeError(f"the clean file was refused: {result.errors[:3]}")

    bodies = [json.dumps(user) for user in users(data)]
    with transaction.atomic(), override_settings(SCIM_RATE_LIMIT_PER_MINUTE=0):
        _, token = scim_token_create(name="bench")
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
        started = time.perf_counter()
        for n, body in enumerate(bodies, start=1):
            response = client.post("/scim/v2/Users", body, content_type="application/scim+json")
            if response.status_code != 201:
                raise RuntimeError(
                    f"POST {n} answered {response.status_code}: {response.content!r}"
                )
            if n % 2000 == 0:
                say(f"scim: {n} people provisioned")
        per_row_scim = (time.perf_counter() - started) / ROWS
        transaction.set_rollback(True)
    say(
        f"scim: {ROWS} POSTs in {per_row_scim * ROWS:.1f} s, the import of the same rows in "
        f"{per_row_import * ROWS:.1f} s; 100,000 people by SCIM would take about "
        f"{per_row_scim * 100_000 / 60:.0f} min"
    )
    ctx.report("scim_provision_10k", per_row_scim, "s/row", per_row_import)
