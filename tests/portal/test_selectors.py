from datetime import timedelta

import pytest
from django.utils import timezone

from portal.factories import UserFactory
from portal.selectors import signin_activity


@pytest.mark.django_db
def test_signin_activity_bands(django_assert_num_queries):
    now = timezone.now()
    UserFactory(last_login=now - timedelta(days=1))
    UserFactory(last_login=now - timedelta(days=10))
    UserFactory(last_login=now - timedelta(days=40))
    UserFactory(last_login=None)
    UserFactory(last_login=now, is_active=False)  # left the company: not counted
    with django_assert_num_queries(1):
        activity = signin_activity(now=now)
    assert (activity.people, activity.last_7_days, activity.last_30_days, activity.never) == (
        4,
        1,
        2,
        1,
    )
    assert activity.rows()[1] == ("Signed in within the last 30 days", 2, 50)


@pytest.mark.django_db
def test_signin_activity_with_nobody_has_no_division_by_zero():
    activity = signin_activity()
    assert activity.people == 0
    assert [share for _, _, share in activity.rows()] == [0, 0, 0]
