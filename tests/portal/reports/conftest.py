"""The hand-built organisation (`handbuilt.py`) as a fixture for the report tests."""

import pytest

from portal.factories import UserFactory
from portal.people.models import Department, Location, Role
from portal.tiers.models import Tier

from .handbuilt import Org, build_organisation


@pytest.fixture
def org(db):
    assert list(Tier.objects.values_list("order", "name")) == [
        (1, "Aware"),
        (2, "Informed"),
        (3, "Trained"),
        (4, "Engaged"),
        (5, "Champion"),
    ]
    staff = build_organisation()
    manager_user = UserFactory()
    staff["S1"].user = manager_user
    staff["S1"].save(update_fields=["user"])
    return Org(
        staff=staff,
        departments={d.name: d for d in Department.objects.all()},
        roles={r.name: r for r in Role.objects.all()},
        locations={loc.name: loc for loc in Location.objects.all()},
        manager_user=manager_user,
    )
