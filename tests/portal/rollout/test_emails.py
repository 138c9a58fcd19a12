"""Plain-text emails are text: nothing in them is HTML-escaped. A sponsor's "customers' questions"
arrived as "customers&#x27; questions" while the templates were rendered with autoescaping."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from portal.factories import StaffFactory
from portal.rollout.models import Wave, WaveMember
from portal.rollout.services import wave_start
from tests.outbox import delivered

pytestmark = pytest.mark.django_db

ENTITIES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")
NAME = "Zoë O'Brien & <Sons>"
MESSAGE = 'Tell us about customers\' questions & "edge" cases <before> Friday.'
SPONSOR = "Jordan O'Neil & Co"


def plain_parts(message) -> list[str]:
    """Every plain-text part of a sent email: the body, and any text/plain alternative."""
    parts = [message.body]
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/plain":
            parts.append(content)
    return parts


def test_the_wave_invitation_reads_as_written(django_capture_on_commit_callbacks):
    wave = Wave.objects.create(
        name="Pilot", starts_on=date(2026, 11, 2), sponsor_name=SPONSOR, sponsor_message=MESSAGE
    )
    person = StaffFactory(display_name=NAME, email="zoe.obrien@example.com")
    WaveMember.objects.create(wave=wave, staff=person, source="list")
    with django_capture_on_commit_callbacks(execute=True):
        wave_start(wave=wave)

    (sent,) = delivered()
    for part in plain_parts(sent):
        assert MESSAGE in part and NAME in part and SPONSOR in part
        assert not [entity for entity in ENTITIES if entity in part], part


@pytest.mark.parametrize("app", ["rollout", "champions"])
def test_every_plain_text_email_template_of_ours_turns_autoescaping_off(app):
    """The one way we chose: each .txt email template is wrapped in {% autoescape off %}."""
    folder = Path(settings.BASE_DIR) / "templates" / app / "email"
    templates = sorted(folder.glob("*.txt"))
    assert templates
    for template in templates:
        text = template.read_text()
        assert text.startswith("{% autoescape off %}"), template.name
        assert text.rstrip().endswith("{% endautoescape %}"), template.name
