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
from portal.rollout.models import Invitation, PulseAnswer, Wave
from portal.tiers.models import Tier
from portal.tiers.services import engagement_record

PASSWORD = "a-long-test-password-42"  # noqa: S105
# The admin's own success banner after an action (as in the FAQ and training journeys).
WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}


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

    # The community manager creates the wave with a department rule.
    portal.goto("/admin/rollout/")
    portal.check_a11y()
    page.get_by_role("link", name="Add a wave").click()
    portal.check_a11y()
    page.locator("#id_name").fill("Support pilot")
    page.get_by_label("Planned start").fill(timezone.localdate().isoformat())
    page.get_by_label("Department, rule 1").select_option(label="Support")
    page.get_by_role("button", name="Save the wave").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_role("heading", name="About this wave")).to_be_visible()

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
    expect(staff_page.get_by_role("status")).to_contain_text("Thank you")
    portal.check_a11y()
    with server_lock:
        answer = PulseAnswer.objects.get()
        assert (answer.wave, answer.confidence) == (wave, 4)
        assert answer.department == noor.department
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
