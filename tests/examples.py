"""How many examples a Hypothesis test tries: the full count in CI (CI=true, the "ci" profile),
a tenth of it in the fast loop at a desk (the "dev" profile). Profiles are loaded in
tests/conftest.py; tests with their own count pass it through `examples()`."""

import os

CI = os.environ.get("CI") == "true"


def examples(ci_count: int) -> int:
    return ci_count if CI else max(5, ci_count // 10)
