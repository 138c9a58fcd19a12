"""Two workers owing the same notifications at the same moment (PostgreSQL): each person gets
each one once, by each channel once, and each message is sent once."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core import mail
from django.db import connections

from notifications.content import Content
from notifications.models import Notification
from notifications.services import notify
from portal.factories import UserFactory
from portal.outbox.models import Message
from portal.outbox.services import messages_deliver

PEOPLE = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_owing_the_same_notifications_send_each_once():
    users = UserFactory.create_batch(PEOPLE)
    start = Barrier(2)

    def worker(_):
        start.wait()
        try:
            for user in users:
                notify(
                    user=user,
                    key=f"faq.question_settled:{user.pk}",
                    content=Content(
                        kind="faq.question_settled", title="Answered", text="Your question."
                    ),
                )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(worker, range(2)))

    assert Notification.objects.count() == PEOPLE
    assert Message.objects.count() == PEOPLE

    messages_deliver()  # whatever the eager delivery after each commit left
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
