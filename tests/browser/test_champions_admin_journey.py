"""A community manager's screens in a browser (issue 17). They read a nomination of someone
under the score cutoff, with every colleague's reason, and are told in a sentence why she
cannot be invited yet (the programme's minimum tier); they fill a wave by its rules while some
of the people those rules match are in an earlier wave, and read how many were left there;
and they work through unmatched community activity in its admin list. axe checks every page
(Wagtail's own success banner is let pass, as in the other admin journeys)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from champions.models import Champion, ScoreSettings, UnmatchedActivity
from champions.services.nominations import nomination_create
from portal.factories import DepartmentFactory, StaffFactory
from portal.rollout.models import Invitation, Wave, WaveMember
from portal.tiers.models import Tier
from portal.tiers.services import engagement_record
from tests.browser.test_rollout_journey import add_rule
from tests.champions.tiers import reach

WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}
REASON_1 = "Lina explains our API limits to customers better than the docs do."
REASON_2 = "She stayed late to help me with a tricky thread, and it worked."
NOTE = "Ask again once she has done the training."


def _message(page):
    return page.get_by_role("status").filter(has=page.locator(".messages"))


def _programme():
    """Sam is far above the cutoff; Lina, nominated by two colleagues, far below it and at
    Aware, while the programme invites from Trained on."""
    support = DepartmentFactory(name="Support")
    sam = StaffFactory(display_name="Sam Star", department=support)
    for i in range(50):
        engagement_record(
            staff=sam,
            kind="community_contributed",
            subject="reply",
            source="test",
            occurred_at=timezone.now() - timedelta(days=1, minutes=i),
            idempotency_key=f"journey:sam:{i}",
        )
    lina = StaffFactory(display_name="Lina Berg", department=support)
    reach(lina, 1)
    nomination_create(
        nominator=StaffFactory(display_name="Omar Said"), nominee=lina, reason=REASON_1
    )
    nomination_create(nominator=StaffFactory(display_name="Jo Park"), nominee=lina, reason=REASON_2)
    settings = ScoreSettings.current()
    settings.min_invite_tier = Tier.objects.get(order=3)
    settings.save()
    return lina


def test_a_nomination_below_the_cutoff_is_read_and_the_minimum_tier_explains_itself(
    sign_in_as, community_manager, server_lock
):
    lina = _programme()
    portal = sign_in_as(community_manager)
    page = portal.page

    portal.goto("/champions/review/")
    expect(page.locator(f"#candidate-{lina.pk}")).to_have_count(0)  # not in the queue
    expect(page.get_by_role("heading", name=re.compile("Sam Star"))).to_be_visible()
    page.get_by_role("link", name="Every nomination (1 waiting for a decision)").click()
    portal.check_a11y()

    card = page.locator(f"#nominee-{lina.pk}")
    expect(card.get_by_role("heading", level=3)).to_contain_text("Lina Berg")
    expect(card).to_contain_text("Below the cutoff")
    reasons = card.get_by_role("region", name="What colleagues said about Lina Berg")
    expect(reasons.locator("blockquote")).to_have_count(2)
    expect(reasons).to_contain_text(REASON_1)
    expect(reasons).to_contain_text(REASON_2)
    expect(reasons).to_contain_text("Omar Said")
    expect(reasons).to_contain_text("Jo Park")
    expect(reasons).to_contain_text(timezone.localdate().strftime("%-d %b %Y"))
    portal.screenshot("champions-every-nomination")

    card.get_by_role("link", name=re.compile("Open Lina Berg’s record")).click()
    portal.check_a11y()
    expect(page.get_by_role("heading", name="Lina Berg", level=1)).to_be_visible()
    expect(page.get_by_text("Lina Berg cannot be invited yet")).to_be_visible()
    page.get_by_role("button", name="Invite Lina Berg").click()
    portal.check_a11y()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "Lina Berg is at Aware, and the programme invites people from Trained on: they "
        "cannot be invited yet."
    )
    with server_lock:
        assert not Champion.objects.filter(staff=lina, status="invited").exists()

    page.get_by_label(re.compile("Reason")).fill(NOTE)
    page.get_by_role("button", name="Defer").click()
    portal.check_a11y()
    expect(_message(page)).to_contain_text("Saved your decision on Lina Berg.")
    expect(page).to_have_url(re.compile(r"/champions/review/\?show=nominated"))
    expect(page.locator(f"#nominee-{lina.pk}")).to_contain_text("Deferred")
    with server_lock:
        champion = Champion.objects.get(staff=lina)
        assert (champion.status, champion.reason) == ("deferred", NOTE)

    # The admin's list of every nomination finds her by what became of her.
    portal.goto("/admin/champions/nominations/")
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    row = page.get_by_role("row").filter(has_text="Lina Berg")
    expect(row).to_contain_text("2")  # colleagues
    expect(row).to_contain_text(REASON_2[:30])
    portal.goto("/admin/champions/nominations/?decision=deferred")
    expect(page.get_by_role("row").filter(has_text="Lina Berg")).to_contain_text("Deferred")
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    portal.screenshot("champions-nominations-admin")
    page.get_by_role("link", name="Lina Berg").click()
    expect(page.get_by_role("heading", name="Lina Berg", level=1)).to_be_visible()
    portal.check_a11y()


def test_a_wave_by_rules_leaves_people_of_an_earlier_wave_where_they_are(
    sign_in_as, community_manager, server_lock
):
    support = DepartmentFactory(name="Support")
    people = [StaffFactory(department=support) for _ in range(7)]
    earlier = Wave.objects.create(
        name="Pilot",
        starts_on=timezone.localdate() - timedelta(days=30),
        started_at=timezone.now() - timedelta(days=30),
    )
    for person in people[:2]:
        WaveMember.objects.create(wave=earlier, staff=person, source="volunteer")
        Invitation.objects.create(wave=earlier, staff=person, sent_at=earlier.started_at)
    portal = sign_in_as(community_manager)
    page = portal.page

    portal.goto("/admin/rollout/")
    page.get_by_role("link", name="Add a wave").click()
    portal.check_a11y()
    page.locator("#id_name").fill("Everyone in Support")
    page.get_by_label("Planned start").fill(timezone.localdate().isoformat())
    add_rule(portal, department="Support")  # the waves viewset's form, its inline rules
    page.get_by_role("button", name="Save the wave").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)

    page.get_by_role("button", name="Add everyone matching the rules").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_role("status").first).to_contain_text(
        "Added 5 people matching the rules; 2 already in another wave were left where they are."
    )
    page.get_by_role("button", name="Add everyone matching the rules").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_text("Nobody new was added: 2 people matching the rules")).to_be_visible()

    page.get_by_role("link", name="Start this wave…").click()
    portal.check_a11y()
    page.get_by_role("button", name=re.compile(r"Yes, start it and send 5 invitations")).click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_text("Invitations are on their way to 5 people")).to_be_visible()
    with server_lock:
        for person in people:
            assert WaveMember.objects.filter(staff=person).count() == 1
            assert Invitation.objects.filter(staff=person).count() == 1
    portal.screenshot("rollout-wave-skipped")


def test_unmatched_activity_is_filtered_and_assigned_from_its_list(
    sign_in_as, community_manager, server_lock
):
    ann = StaffFactory(display_name="Ann Lee", email="ann@example.com")
    for n, (username, action) in enumerate((("ann_forum", "reply"), ("bot", "like")), start=1):
        UnmatchedActivity.objects.create(
            source_id=f"discourse:post:{n}",
            action=action,
            occurred_at=timezone.now() - timedelta(days=n),
            username=username,
            url=f"https://forum.example.com/t/x/1/{n}",
        )
    portal = sign_in_as(community_manager)
    page = portal.page

    portal.goto("/admin/champions/unmatched/")
    expect(page.get_by_role("heading", name=re.compile("Unmatched activity"))).to_be_visible()
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    portal.goto("/admin/champions/unmatched/?action=reply")
    expect(rows).to_have_count(1)
    rows.first.get_by_label(re.compile("email or employee id")).fill("ann@example.com")
    rows.first.get_by_role("button", name=re.compile("^Assign")).click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_text("Recorded the reply for Ann Lee.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"action=reply"))
    with server_lock:
        assert UnmatchedActivity.objects.get(username="ann_forum").staff == ann
