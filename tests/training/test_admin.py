"""Training in the Wagtail admin: community managers keep the video library, nobody else does.
(Uploading and the publishing rules, end to end, are a browser journey:
`tests/browser/test_training_journey.py`.)"""

import pytest

pytestmark = pytest.mark.django_db
LIBRARY = ["/admin/snippets/training/video/", "/admin/snippets/training/video/add/"]


@pytest.mark.parametrize("path", LIBRARY)
def test_community_managers_keep_the_video_library(client, community_manager, path):
    client.force_login(community_manager)
    assert client.get(path).status_code == 200
    for action in ("add", "change", "delete"):
        assert community_manager.has_perm(f"training.{action}_video")


@pytest.mark.parametrize("role", ["staff", "leader"])
@pytest.mark.parametrize("path", LIBRARY)
def test_others_cannot_open_the_video_library(client, role_users, role, path):
    client.force_login(role_users[role])
    response = client.get(path)
    assert response.status_code == 302  # Wagtail sends people without admin access to sign in
    assert response["Location"].startswith("/accounts/login/")
    assert not role_users[role].has_perm("training.add_video")
