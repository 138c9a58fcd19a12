"""Nominating a colleague, as the nominator lives it: once per person (a second time records
nothing and says when you did and what happens next), and "Your nominations": who, when, your
reason, and where each stands in words a nominator may see, never the reviewers' notes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from champions.models import Champion, Nomination, NominationReason
from champions.selectors import my_path_nominations, nominations_made_by
from champions.services.nominations import (
    NominationAlreadyMade,
    NominationError,
    nomination_create,
)
from portal.factories import DepartmentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NOMINATE = "/champions/nominate/"
PRIVATE = "Reviewer only: wait until after the reorganisation."


@pytest.fixture
def me(client):
    user = UserFactory()
    person = StaffFactory(user=user, email=user.email, display_name="Tom Rivera")
    client.force_login(user)
    return person


@pytest.fixture
def amara():
    return StaffFactory(display_name="Amara Okafor", department=DepartmentFactory(name="Support"))


def _reasons(nominee=None):
    rows = NominationReason.objects.all()
    return rows.filter(nomination__nominee=nominee) if nominee else rows


# The service


def test_nominating_the_same_person_twice_records_one_nomination_and_says_when(me, amara):
    nomination_create(nominator=me, nominee=amara, reason="Answers the billing threads.")
    first = NominationReason.objects.get()
    with pytest.raises(NominationAlreadyMade) as already:
        nomination_create(nominator=me, nominee=amara, reason="And she is kind.")
    sentence = str(already.value)
    when = timezone.localtime(first.created_at)
    assert sentence == (
        f"You already nominated Amara Okafor on {when.day} {when:%B %Y}, so nothing new was "
        "recorded: your reason from then stands. Where it stands: Under review. Community "
        "managers read it alongside what the person already does in the community."
    )
    assert Nomination.objects.count() == 1
    assert _reasons().count() == 1
    assert _reasons().get().reason == "Answers the billing threads."
    assert already.value.reason == first


def test_the_repeat_is_told_before_a_blank_reason_is_refused(me, amara):
    nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    with pytest.raises(NominationAlreadyMade):
        nomination_create(nominator=me, nominee=amara, reason="   ")
    assert _reasons().count() == 1


def test_nominating_yourself_twice_says_yourself(me):
    nomination_create(nominator=me, nominee=me, reason="I would like to help.")
    with pytest.raises(NominationAlreadyMade, match="^You already nominated yourself on "):
        nomination_create(nominator=me, nominee=me, reason="I would like to help.")
    assert _reasons(me).count() == 1


def test_the_repeat_says_where_the_nomination_stands_now(me, amara):
    nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    Champion.objects.create(staff=amara, status="invited", reason=PRIVATE)
    with pytest.raises(NominationAlreadyMade) as already:
        nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    assert "Where it stands: Invited to the programme." in str(already.value)
    assert PRIVATE not in str(already.value)


def test_another_colleague_still_adds_their_reason(me, amara):
    nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    nomination_create(nominator=StaffFactory(), nominee=amara, reason="Kind too.")
    assert Nomination.objects.count() == 1
    assert _reasons(amara).count() == 2


def test_refusals_name_the_answer_to_fix(me, amara):
    with pytest.raises(NominationError) as blank:
        nomination_create(nominator=me, nominee=amara, reason=" \x00 ")
    assert blank.value.field == "reason"
    amara.active = False
    amara.save()
    with pytest.raises(NominationError) as gone:
        nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    assert gone.value.field == "nominee"
    assert not NominationReason.objects.exists()


# The view


def test_a_repeat_through_the_form_answers_409_with_the_sentence_and_keeps_the_text(
    client, me, amara
):
    nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    for extra in ({}, HTMX):
        response = client.post(
            NOMINATE,
            {"nominee": amara.pk, "search": "Amara", "reason": "Second thoughts."},
            **extra,
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert "You already nominated Amara Okafor on" in html
        assert 'role="status" data-swap-focus' in html
        assert "Second thoughts.</textarea>" in html  # what they typed is still there
        assert f'value="{amara.pk}" id="person-{amara.pk}" checked' in html
        assert ("<html" in html) is not extra
    assert _reasons().count() == 1
    assert _reasons().get().reason == "Helpful."


def test_a_nomination_by_htmx_answers_thanks_next_step_and_the_list(client, me, amara):
    response = client.post(NOMINATE, {"nominee": amara.pk, "reason": "Helpful."}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="nominate-form"' in html
    assert 'role="status" data-swap-focus' in html
    assert "Thank you: you nominated Amara Okafor." in html
    assert 'class="continue"' in html  # the one next step
    assert 'id="my-nominations" class="my-nominations-section"' in html
    assert 'hx-swap-oob="true"' in html
    assert "Under review" in html
    assert "<form" not in html
    assert _reasons().count() == 1


def test_a_plain_nomination_redirects_to_the_thanks_on_the_page(client, me, amara):
    response = client.post(NOMINATE, {"search": amara.email, "reason": "Helpful."})
    assert response.status_code == 302
    assert response["Location"] == f"{NOMINATE}?nominated={amara.pk}#nominate-form"
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: you nominated Amara Okafor." in html
    assert 'class="continue"' in html
    assert "Nominate someone else" in html
    # Someone else's nomination, or nobody's, gets the form and no thanks.
    other = StaffFactory(display_name="Zed Ng")
    html = client.get(NOMINATE, {"nominated": other.pk}).content.decode()
    assert "Thank you" not in html and "Send the nomination" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_nomination_marks_the_answer_to_fix_and_keeps_the_text(client, me, amara, htmx):
    extra = HTMX if htmx else {}
    blank = client.post(NOMINATE, {"nominee": amara.pk, "search": "Ama", "reason": "  "}, **extra)
    assert blank.status_code == 400
    html = blank.content.decode()
    assert 'role="alert" id="nominate-error"' in html
    assert 'required aria-invalid="true" aria-describedby="nominate-error"' in html
    assert 'value="Ama"' in html
    nobody = client.post(NOMINATE, {"search": "nobody", "reason": "Kind and quick."}, **extra)
    assert nobody.status_code == 400
    html = nobody.content.decode()
    assert "Choose a colleague" in html
    assert 'aria-invalid="true"' in html.split('id="id_search"')[1].split(">")[0]
    assert "Kind and quick.</textarea>" in html
    assert not NominationReason.objects.exists()


def test_odd_input_is_refused_in_words_never_a_server_error(client, me, amara):
    for data in (
        {"search": "a\x00b@example.com", "reason": "Helpful."},
        {"nominee": amara.pk, "reason": "x" * 5000},
        {"nominee": "9" * 5000, "reason": "Helpful."},
    ):
        assert client.post(NOMINATE, data, **HTMX).status_code == 400
    # A NUL is refused whole before the view (portal.bad_input), not stripped and stored.
    refused = client.post(NOMINATE, {"nominee": amara.pk, "reason": "ok\x00"})
    assert refused.status_code == 400 and b"cannot store" in refused.content
    assert not _reasons().exists()


# Your nominations


def test_your_nominations_show_only_yours_with_your_reason_and_no_reviewer_notes(client, me, amara):
    colleague = StaffFactory(display_name="Priya Shah")
    nomination_create(nominator=me, nominee=amara, reason="Answers the billing threads.")
    nomination_create(nominator=colleague, nominee=amara, reason="OTHER NOMINATOR'S WORDS")
    nomination_create(
        nominator=colleague, nominee=StaffFactory(display_name="Not Mine"), reason="x"
    )
    Champion.objects.create(staff=amara, status="deferred", reason=PRIVATE, score=17.5)
    html = client.get(NOMINATE).content.decode()
    section = html.split('id="my-nominations"')[1]
    assert "Amara Okafor" in section and "Support" in section
    assert "“Answers the billing threads.”" in section
    assert "Under review" in section  # a deferral is not told apart
    for hidden in ("OTHER NOMINATOR", "Not Mine", "reorganisation", "Deferred", "17.5"):
        assert hidden not in html


@pytest.mark.parametrize(
    ("status", "active", "stage"),
    [
        (None, True, "Under review"),
        ("candidate", True, "Under review"),
        ("deferred", True, "Under review"),
        ("invited", True, "Invited to the programme"),
        ("active", True, "Now a champion"),
        ("alumni", True, "Was a champion"),
        ("dismissed", True, "Not this time"),
        ("declined", True, "Not this time"),  # their own "no" reads like the reviewers'
        ("candidate", False, "No longer in the staff directory"),
    ],
)
def test_each_stage_in_a_nominators_words(me, amara, status, active, stage):
    nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    if status:
        Champion.objects.create(staff=amara, status=status, reason=PRIVATE)
    amara.active = active
    amara.save()
    (mine,) = nominations_made_by(nominator=me)
    assert mine.stage.label == stage
    assert mine.reason == "Helpful."
    assert not hasattr(mine, "champion")


def test_newest_first_and_yourself_said_so(me, amara):
    nomination_create(nominator=me, nominee=me, reason="I would like to.")
    NominationReason.objects.update(created_at=timezone.now() - timedelta(days=3))
    nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    first, second = nominations_made_by(nominator=me)
    assert (first.nominee, first.yourself) == (amara, False)
    assert (second.nominee, second.yourself) == (me, True)


def _nominate_many(me, n):
    for i in range(n):
        nominee = StaffFactory(department=DepartmentFactory())
        nomination_create(nominator=me, nominee=nominee, reason=f"Reason {i}")
        Champion.objects.create(staff=nominee, status="invited" if i % 2 else "active")


@pytest.mark.parametrize("n", [1, 8])
def test_the_nominate_page_does_not_grow_with_your_nominations(
    client, me, n, django_assert_num_queries
):
    _nominate_many(me, n)
    client.get(NOMINATE)  # the menu's cached lookups
    # session, user, staff, the menu's permission checks; then your nominations: one query
    with django_assert_num_queries(6):
        html = client.get(NOMINATE).content.decode()
    assert html.count('class="my-nomination"') == n


# The panel on My path


@pytest.mark.parametrize("n", [0, 2, 8])
def test_the_panel_is_one_query_and_none_when_you_nominated_nobody(
    me, n, django_assert_num_queries
):
    _nominate_many(me, n)
    with django_assert_num_queries(1):
        panel = my_path_nominations(me.user)
    if n == 0:
        assert panel is None
    else:
        assert len(panel["nominations"]) == min(n, 3)
        assert panel["more"] is (n > 3)
        assert panel["url"] == reverse("champions_nominate") + "#my-nominations"


def test_the_panel_on_my_path(client, me, amara):
    assert "Your nominations" not in client.get(reverse("my_path")).content.decode()
    nomination_create(nominator=me, nominee=amara, reason="Helpful.")
    Champion.objects.create(staff=amara, status="dismissed", reason=PRIVATE)
    html = client.get(reverse("my_path")).content.decode()
    panel = html.split('aria-labelledby="my-nominations-panel-title"')[1].split("</section>")[0]
    assert "Amara Okafor" in panel and "Not this time" in panel
    assert f'href="{NOMINATE}#my-nominations"' in panel
    assert PRIVATE not in html


def test_the_panel_is_for_people_signed_in(rf):
    from django.contrib.auth.models import AnonymousUser

    assert my_path_nominations(AnonymousUser()) is None
