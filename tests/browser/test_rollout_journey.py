"""The rollout in a browser. A community manager creates a wave from a department rule, adds a
suggested first mover from another team in one click and starts the wave; an invited member
follows the link in their invitation, signs in, and after finishing their training answers the
pulse check; the wave's funnel shows each step. axe checks every page."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from portal.factories import DepartmentFactory, RoleFactory, StaffFactory, UserFactory
from portal.rollout.models import Invitation, PulseAnswer, Wave, WaveMember
from portal.tiers.models import EngagementEvent, Tier
from portal.tiers.services import engagement_record, tier_attainments_update
from tests.portal.rollout import waiting

PASSWORD = "a-long-test-password-42"  # noqa: S105
# The admin's own success banner after an action (as in the FAQ and training journeys).
WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}
# Wagtail's chooser modal is a role=dialog without a name (modal-workflow.js builds it).
CHOOSER_MODAL = {"aria-dialog-name": "Wagtail's chooser modal (upstream)"}


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def add_rule(portal, **choices):
    """Press "Add Rule" on the wave's form and choose each field in the new rule's choosers."""
    page = portal.page
    page.get_by_role("button", name="Add Rule").click()
    rule = page.locator("[id^='inline_child_rules-']:not([id$='__prefix__'])").last
    for field, name in choices.items():
        _choose(portal, rule, field, name)
    return rule


def _screenshots(portal, name):
    """The form's top and its rules, at desktop and phone sizes (the admin scrolls its main
    area, so a full-page shot holds one screen)."""
    page = portal.page
    for size, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        page.set_viewport_size(size)
        page.locator("#id_name").scroll_into_view_if_needed()
        portal.screenshot(f"{name}{suffix}")
        page.get_by_role("button", name="Add Rule").scroll_into_view_if_needed()
        portal.screenshot(f"{name}-rules{suffix}")
    page.set_viewport_size(DESKTOP)


def _choose(portal, rule, field, name):
    """Open the rule's `field` chooser, search for `name` and pick it (axe on the modal)."""
    page = portal.page
    rule.get_by_role("button", name=f"Choose a {field}").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_label("Search term").fill(name)
    choice = modal.get_by_role("link", name=name, exact=True)
    expect(choice).to_have_count(1)  # the search narrowed the list to it
    portal.check_a11y(upstream=CHOOSER_MODAL)  # the chooser, open
    choice.click()
    expect(modal).to_have_count(0)
    expect(rule).to_contain_text(name)
    portal.check_a11y()


def _organisation():
    support = DepartmentFactory(name="Support")
    sales = DepartmentFactory(name="Sales")
    role = RoleFactory(name="Support engineer", target_tier=Tier.objects.get(order=1))
    user = UserFactory(username="noor", first_name="Noor", last_name="Haddad")
    user.set_password(PASSWORD)
    user.save()
    noor = StaffFactory(
        display_name="Noor Haddad", email=user.email, user=user, department=support, role=role
    )
    for name in ("Ada Quist", "Ben Ruiz", "Cai Moss", "Dee Park"):
        StaffFactory(display_name=name, department=support, role=role)
    leader = StaffFactory(display_name="Tomas Lind", department=sales, role=role)
    for days in range(2, 40, 4):  # the community activity that makes him a first mover
        engagement_record(
            staff=leader,
            kind="community_contributed",
            subject="reply",
            source="test",
            occurred_at=timezone.now() - timedelta(days=days),
        )
    return noor


def test_a_wave_from_rule_and_first_mover_to_invitation_pulse_and_funnel(
    sign_in_as, community_manager, browser, live_server, server_lock
):
    noor = _organisation()
    portal = sign_in_as(community_manager)
    page = portal.page

    # The community manager creates the wave with a department rule, on the viewset's form.
    portal.goto("/admin/rollout/")
    portal.check_a11y()
    page.get_by_role("link", name="Add a wave").click()
    portal.check_a11y()
    page.locator("#id_name").fill("Support pilot")
    page.get_by_label("Planned start").fill(timezone.localdate().isoformat())
    add_rule(portal, department="Support")
    _screenshots(portal, "rollout-wave-add")
    page.get_by_role("button", name="Save the wave").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_role("heading", name="About this wave")).to_be_visible()
    expect(page.get_by_text("Saved “Support pilot”.")).to_be_visible()

    # Editing it: the rule is there, chosen; a role narrows it, and the wave's page says so.
    page.get_by_role("link", name="Edit the wave and its rules").click()
    portal.check_a11y()
    rule = page.locator("[id^='inline_child_rules-']").first
    expect(rule).to_contain_text("Support")
    _screenshots(portal, "rollout-wave-edit")
    _choose(portal, rule, "role", "Support engineer")
    page.get_by_role("button", name="Save the wave").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_text("Support · Support engineer")).to_be_visible()

    page.get_by_role("button", name="Add everyone matching the rules").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_text("Noor Haddad")).to_be_visible()
    page.get_by_role("button", name="Add Tomas Lind").click()  # a suggested first mover
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    page.get_by_role("link", name="Start this wave…").click()
    portal.check_a11y()
    page.get_by_role("button", name=re.compile(r"Yes, start it and send 6 invitations")).click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_text("Invitations are on their way to 6 people")).to_be_visible()
    with server_lock:
        wave = Wave.objects.get(name="Support pilot")
        assert Invitation.objects.filter(wave=wave, sent_at__isnull=False).count() == 6
    invitation = next(m for m in mail.outbox if m.to == [noor.email])
    link = re.search(r"http\S+/accounts/login/\?next=/my-path/", invitation.body).group(0)

    # Noor follows the invitation, signs in, and lands on her path.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff_page = context.new_page()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]  # the address in the email, here
    staff_page.goto(live_server.url + path)
    staff_page.get_by_label("Email or username").fill("noor")
    staff_page.get_by_label("Password").fill(PASSWORD)
    staff_page.get_by_role("button", name="Sign in").click()
    staff_page.wait_for_url(re.compile(r"/my-path/$"))
    portal.page = staff_page
    portal.check_a11y()

    # She finishes her training; the pulse check appears, and she answers it.
    with server_lock:
        engagement_record(
            staff=noor,
            kind="training_completed",
            subject="1",
            source="test",
            occurred_at=timezone.now(),
        )
    staff_page.reload()
    portal.check_a11y()
    pulse = staff_page.locator("#pulse-check")
    expect(pulse.get_by_role("heading", name="A one-minute pulse check")).to_be_visible()
    pulse.locator("#pulse-confidence-4").check()
    pulse.get_by_label(re.compile("What would help")).fill("A checklist for handing over.")
    pulse.get_by_role("button", name="Send").click()
    thanks = pulse.get_by_role("status")
    expect(thanks).to_contain_text("Thank you")
    # The pressed button is gone: focus lands on the thanks, and the live region reads it.
    expect(thanks).to_be_focused()
    assert staff_page.evaluate("document.activeElement.closest('#pulse-check') !== null")
    expect(staff_page.locator("#announcer")).to_contain_text("Thank you")
    portal.check_a11y()
    with server_lock:  # one answer waits, sealed, for its batch: nothing is published
        (answer,) = waiting()
        assert (answer["wave"], answer["confidence"]) == (wave.pk, 4)
        assert answer["department"] == noor.department_id
        assert not PulseAnswer.objects.exists()
    context.close()

    # The wave's funnel shows each step.
    portal.page = page
    portal.goto(f"/admin/rollout/{wave.pk}/")
    portal.check_a11y()
    funnel = page.get_by_role("region", name="How this wave is doing")
    for step, people in (
        ("Members", "6"),
        ("Invited", "6"),
        ("Signed in since", "1"),
        ("Aware", "0"),
    ):
        expect(funnel.get_by_role("row", name=re.compile(rf"^{step}\b"))).to_contain_text(people)
    portal.screenshot("rollout-wave")


INVITE = "Be one of the first: join the pilot"


def _trained(person):
    """`person` holds the default tiers up to Trained, from the events each asks for."""
    kinds = ["faq_viewed"] * 5 + ["policy_acknowledged", "wiifm_watched", "training_completed"]
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            staff=person,
            kind=kind,
            subject=f"entry-{i}" if kind == "faq_viewed" else "",
            occurred_at=timezone.now() - timedelta(days=2, minutes=i),
            source="test",
            idempotency_key=f"journey:{person.pk}:{i}",
        )
        for i, kind in enumerate(kinds)
    )
    tier_attainments_update(staff_id=person.pk)


def test_a_volunteer_joins_the_waitlist_and_a_trained_colleague_is_not_asked(
    sign_in_as, server_lock
):
    """On a phone: the invitation on My path names the day, not the wave; the pilot is full,
    so its button says what it will do; joining swaps in the outcome and focus lands on it.
    Someone already trained is not asked to be one of the first."""
    noor = _organisation()
    wave = Wave.objects.create(
        name="Wave 3: everyone",
        starts_on=timezone.localdate() + timedelta(days=28),
        size_limit=1,
        open_to_volunteers=True,
        sponsor_name="Jordan Reyes",
        sponsor_message="Everyone, at the depth their role needs.",
    )
    WaveMember.objects.create(wave=wave, staff=StaffFactory(), source="volunteer")
    trained_user = UserFactory(username="ben")
    trained = StaffFactory(
        display_name="Ben Okri", email=trained_user.email, user=trained_user, role=noor.role
    )
    _trained(trained)

    portal = sign_in_as(noor.user)
    page = portal.page
    page.set_viewport_size(PHONE)
    portal.goto("/my-path/")
    invite = page.get_by_role("region", name=INVITE)
    starts = wave.starts_on
    expect(invite).to_contain_text(f"The next group starts on {starts.day} {starts:%B %Y}")
    expect(page.get_by_text("Wave 3")).to_have_count(0)  # the managers' name stays theirs
    invite.scroll_into_view_if_needed()
    portal.screenshot("rollout-my-path-invite-phone")
    invite.get_by_role("link", name="See what it asks of you").click()
    portal.check_a11y()
    expect(page.get_by_role("heading", name=re.compile("The next group starts"))).to_be_visible()
    expect(page.get_by_text("Every place is taken. You can join the waitlist")).to_be_visible()
    expect(page.get_by_text("Wave 3")).to_have_count(0)
    expect(page.get_by_role("button", name="Join the pilot")).to_have_count(0)
    join = page.get_by_role("button", name="Join the waitlist")

    page.evaluate("window.notReloaded = true")
    join.click()
    outcome = page.locator("#pilot-join").get_by_role("status")
    expect(outcome).to_contain_text("You're on the waitlist:")
    expect(outcome).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("You're on the waitlist")
    expect(page.locator("#pilot-join .continue")).to_be_visible()  # the one next step
    portal.check_a11y()
    assert page.evaluate("window.notReloaded") is True
    portal.screenshot("rollout-pilot-waitlisted-phone")
    with server_lock:
        assert WaveMember.objects.get(wave=wave, staff=noor).status == "waitlisted"

    # Ben has done the training: no invitation on My path, and the pilot page says why.
    page.context.clear_cookies()
    sign_in_as(trained_user)
    portal.goto("/my-path/")
    expect(page.get_by_role("region", name=INVITE)).to_have_count(0)
    portal.goto("/pilot/")
    expect(page.locator("#pilot-join")).to_contain_text(
        "You are already at Trained: that is where the pilot leads"
    )
    expect(page.get_by_role("button", name=re.compile("Join"))).to_have_count(0)
    portal.screenshot("rollout-pilot-trained-phone")
