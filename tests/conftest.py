"""Fixtures shared by the whole suite: people in each role, and demo data."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from portal import permissions
from portal.factories import UserFactory


def _user_in(*groups: str, **extra):
    user = UserFactory(**extra)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def staff_user(db):
    return _user_in()


@pytest.fixture
def leader_user(db):
    return _user_in(permissions.LEADERS)


@pytest.fixture
def community_manager(db):
    return _user_in(permissions.COMMUNITY_MANAGERS)


@pytest.fixture
def superuser(db):
    return _user_in(is_superuser=True, is_staff=True)


@pytest.fixture
def role_users(staff_user, leader_user, community_manager, superuser):
    return {
        "staff": staff_user,
        "leader": leader_user,
        "community manager": community_manager,
        "superuser": superuser,
    }


@pytest.fixture
def seeded(db):
    """The demo data of `seed_demo` (with two extra staff); returns the demo users by username."""
    call_command("seed_demo", "--staff", "2", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {user.username: user for user in get_user_model().objects.all()}
