"""The registry of what the portal keeps about a person: complete, and every entry real.

A new model with a foreign key to the staff directory or to accounts, or a new such key on an
old model, fails here until its app says (in its `personal_data` module) whether the person's
download carries it and what erasure does with it."""

import pytest
from django.contrib.auth import get_user_model

from portal.people.models import Staff
from portal.privacy.holdings import Holding, holdings, person_links, unaccounted_links


def test_every_link_to_a_person_is_accounted_for():
    assert unaccounted_links() == []


def test_the_walk_finds_a_link_nobody_accounts_for():
    """Without the office-hours bookings or the directory entry's holding, the walk names
    exactly the links they accounted for: the check above can fail."""
    kept = [h for h in holdings() if h.label not in {"officehours.Booking", "portal.Staff"}]
    assert unaccounted_links(kept) == [
        "officehours.Booking.user",
        "portal.Staff.manager",
        "portal.Staff.user",
    ]


def test_the_walk_sees_links_from_every_kind_of_app():
    found = {f"{f.model._meta.label}.{f.name}" for f in person_links()}
    # ours, a page's (declared on Page, whatever the page type), Wagtail's, allauth's, and a
    # many-to-many (the hosts of an office-hours series)
    for link in (
        "portal.EngagementEvent.staff",
        "wagtailcore.Page.owner",
        "wagtailcore.Revision.user",
        "account.EmailAddress.user",
        "officehours.Series.hosts",
    ):
        assert link in found
    assert "training.ModulePage.owner" not in found


@pytest.mark.parametrize("holding", holdings(), ids=lambda h: h.label)
def test_each_holding_names_real_links_and_fields(holding: Holding):
    targets = (Staff, get_user_model())
    for name in (*holding.links, *holding.others):
        if name == "pk":
            assert holding.model in targets
            continue
        field = holding.model._meta.get_field(name)
        assert field.is_relation and field.related_model in targets, name
    assert not set(holding.links) & set(holding.others)
    manager = holding.model._default_manager
    if holding.export is not None:
        manager.none().values_list(*holding.export.fields.values())  # FieldError if misspelt
    if holding.identifies:
        manager.none().values_list(*holding.identifies.values())


def test_each_kind_of_record_has_a_file_of_its_own():
    names = [h.export.name for h in holdings() if h.export is not None]
    assert len(names) == len(set(names))


def test_the_directory_entry_and_account_are_erased_last():
    """Everything before them still finds the person by their name, email or account."""
    last = [h.label for h in holdings()][-2:]
    assert last == ["portal.Staff", get_user_model()._meta.label]


def test_a_holding_left_out_of_the_download_says_why():
    with pytest.raises(ValueError, match="say why"):
        Holding(Staff, links=("pk",), erase=holdings()[0].erase)
