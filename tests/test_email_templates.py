"""Plain-text emails are rendered without HTML escaping: every `.txt` email template turns
autoescaping off for its whole text (what an autoescaped one does to a name is tested with
each email, and every test's sent mail is read for entities in tests/conftest.py)."""

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEXT_EMAILS = sorted(TEMPLATES.glob("*/email/*.txt"))


def test_there_are_text_emails_to_check():
    assert len(TEXT_EMAILS) >= 7


@pytest.mark.parametrize("path", TEXT_EMAILS, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_text_email_template_is_not_autoescaped(path):
    text = path.read_text().strip()
    assert text.startswith("{% autoescape off %}") and text.endswith("{% endautoescape %}")
