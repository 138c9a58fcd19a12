"""*Your certificates*: every certificate of the signed-in person with its download, and nobody
else's; linked from the training index and My path."""

import pytest
from django.urls import reverse

from portal.factories import StaffFactory, UserFactory
from portal.tiers.models import Tier
from training import factories as f
from training.models import Certificate
from training.services import lessons

pytestmark = pytest.mark.django_db
URL = "/certificates/"


@pytest.fixture
def me(client):
    user = UserFactory()
    staff = StaffFactory(user=user, email=user.email)
    client.force_login(user)
    return staff


def _earn(staff, title, tier_order=3):
    module = f.module_make(title=title, tier=Tier.objects.get(order=tier_order))
    lesson = f.lesson_make(module=module, body=[("text", "<p>1</p>")])
    lessons.lesson_complete(staff=staff, lesson=lesson)
    return Certificate.objects.get(staff=staff, module=module)


def test_the_page_lists_my_certificates_with_downloads_and_nobody_elses(client, me):
    assert reverse("certificates_mine") == URL
    mine = [_earn(me, "Speaking for our community"), _earn(me, "Moderating", tier_order=4)]
    someone = StaffFactory(user=UserFactory())
    theirs = _earn(someone, "Someone else's module")
    html = client.get(URL).content.decode()
    for certificate in mine:
        assert reverse("certificate_pdf", args=[certificate.code]) in html
        assert reverse("certificate_verify", args=[certificate.code]) in html
    assert "Speaking for our community" in html and "counts toward Trained" in html
    assert theirs.code not in html and "Someone else" not in html
    # Another person's certificate is not mine to download, even with its code.
    assert client.get(reverse("certificate_pdf", args=[theirs.code])).status_code == 404


def test_with_no_certificates_it_says_how_to_earn_one(client, me):
    f.training_index_make()
    html = client.get(URL).content.decode()
    assert "You have no certificates yet." in html and 'href="/training/"' in html


def test_someone_outside_the_directory_is_told_why(client):
    client.force_login(UserFactory())
    assert "not in the staff directory yet" in client.get(URL).content.decode()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_training_index_links_to_it(client, me):
    assert f'href="{URL}"' in client.get(f.training_index_make().url).content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_the_page_makes_a_fixed_number_of_queries(client, me, count, django_assert_num_queries):
    for n in range(count):
        _earn(me, f"Module {n}")
    client.get(URL)  # the menu's cached lookups
    # Session, user, the person, the menu's permission checks, and the certificates.
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
