"""One vote per person and one count per search, when requests race (PostgreSQL)."""

import threading

import pytest
from django.db import connections

from faq import services
from faq.factories import FAQCategoryPageFactory, FAQEntryPageFactory, FAQIndexPageFactory
from faq.models import FAQVote, SearchGap
from portal.factories import UserFactory
from portal.models import HomePage

THREADS = 8


def _race(work) -> list[Exception]:
    errors, start = [], threading.Barrier(THREADS)

    def run(i):
        try:
            start.wait()
            work(i)
        except Exception as exc:  # noqa: BLE001  (collected and asserted by the caller)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_votes_and_gap_counts_lose_nothing():
    guide = FAQIndexPageFactory(parent=HomePage.objects.get())
    entry = FAQEntryPageFactory(parent=FAQCategoryPageFactory(parent=guide))
    user = UserFactory()

    def vote_and_search(i):
        services.faq_vote_cast(user=user, entry=entry, helpful=i % 2 == 0, comment=f"tab {i}")
        services.search_gap_log(query="Swag for meetups?")

    assert _race(vote_and_search) == []
    vote = FAQVote.objects.get(user=user, entry=entry)  # one row, from one of the tabs
    assert vote.comment in {f"tab {i}" for i in range(THREADS)}
    assert SearchGap.objects.get(query="swag for meetups").searches == THREADS
