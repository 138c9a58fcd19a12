"""An SMTP server on loopback (aiosmtpd, in a thread of the test process) that the portal's
outbox delivers to over real TCP, from the test process or from a Celery worker process.

It can refuse: `refuse` is a list of replies for the next DATA commands in turn ("451 ..." a
temporary failure, "550 ..." a permanent one). `hold_at=n` keeps the n-th message waiting
before its reply until the client goes away (a worker killed mid-send): like any server that
follows RFC 5321, a message whose "250" never reached the sender is not delivered, so the
sender is right to send it again."""

import asyncio
import email
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from . import free_port


@dataclass
class Mailbox:
    messages: list = field(default_factory=list)  # email.message.Message, as delivered
    refuse: list[str] = field(default_factory=list)
    hold_at: int | None = None
    held: threading.Event = field(default_factory=threading.Event)  # the held message arrived
    seen: int = 0  # DATA commands, delivered or not

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class _Handler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):
        box = self.mailbox
        box.seen += 1
        if box.refuse:
            return box.refuse.pop(0)
        if box.hold_at is not None and box.seen == box.hold_at:
            box.held.set()
            while not server.transport.is_closing():  # until the sender dies
                await asyncio.sleep(0.05)
            return "451 4.3.0 Connection lost before acceptance"
        box.messages.append(email.message_from_bytes(envelope.content))
        return "250 2.0.0 OK"


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(_Handler(self.mailbox), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()

    def settings(self) -> dict:
        """The portal's settings that send to this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_TIMEOUT": 10,
        }
