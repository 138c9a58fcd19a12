"""The champion invitation is plain text: a name with an apostrophe or an ampersand arrives as
written, never as an HTML entity."""

import pytest

from champions.services.programme import champion_decide
from portal.factories import StaffFactory, UserFactory
from tests.outbox import delivered
from tests.portal.rollout.test_emails import ENTITIES, plain_parts

pytestmark = pytest.mark.django_db
NAME = "Zoë O'Brien & <Sons>"


def test_the_champion_invitation_reads_as_written(
    community_manager, django_capture_on_commit_callbacks
):
    user = UserFactory()
    person = StaffFactory(display_name=NAME, user=user, email=user.email)
    with django_capture_on_commit_callbacks(execute=True):
        champion_decide(staff=person, decision="invite", by=community_manager)

    (sent,) = delivered()
    for part in plain_parts(sent):
        assert f"Hello {NAME}," in part
        assert not [entity for entity in ENTITIES if entity in part], part
