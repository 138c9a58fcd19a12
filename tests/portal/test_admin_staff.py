"""The staff directory in the admin: a manager is chosen by searching, not by paging."""

from django.urls import reverse

from portal.factories import DepartmentFactory, StaffFactory
from portal.models import Staff


def _chooser_url(view: str) -> str:
    return reverse(Staff.snippet_viewset.chooser_viewset.get_url_name(view))


def test_the_manager_chooser_finds_people_by_name_email_or_id(client, community_manager):
    StaffFactory.create_batch(60)
    wanted = StaffFactory(display_name="Zoë Quartermaine", email="zq@example.com")
    client.force_login(community_manager)

    page = client.get(_chooser_url("choose"))
    assert page.status_code == 200 and 'name="q"' in page.json()["html"]

    for query in ("quarter", "ZQ@EXAMPLE", wanted.employee_id):
        response = client.get(_chooser_url("choose_results"), {"q": query})
        assert response.status_code == 200
        assert list(response.context["results"]) == [wanted], query


def test_the_manager_field_uses_the_searchable_chooser(client, community_manager):
    client.force_login(community_manager)
    response = client.get(reverse(Staff.snippet_viewset.get_url_name("add")))
    assert response.status_code == 200
    assert _chooser_url("choose").encode() in response.content


def test_the_directory_exports_as_a_spreadsheet(client, community_manager):
    StaffFactory(
        display_name='=HYPERLINK("x")',
        email="h@example.com",
        department=DepartmentFactory(name="@SUM(A1)"),
    )
    client.force_login(community_manager)
    url = reverse(Staff.snippet_viewset.get_url_name("list"))
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body and "'@SUM(A1)" in body and "h@example.com" in body
