"""One way to send and one way to queue work: product code sends mail only through the outbox
(`message_queue`) and asks for tasks only through `dispatch`, so nothing is sent inside a web
request and no committed write depends on the broker being up. A new direct call fails here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ["portal", "faq", "officehours", "training", "champions"]
DIRECT = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|EmailMessage|EmailMultiAlternatives)\(|"
    r"\.(delay|apply_async|send_task)\("
)
ALLOWED = {
    "portal/outbox/services.py",  # the one sender
    "portal/outbox/dispatch.py",  # the one publisher
}


def test_mail_and_tasks_go_only_through_the_outbox():
    offenders = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED or "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if DIRECT.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
