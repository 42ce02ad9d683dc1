"""The email channel against a real SMTP server (aiosmtpd on 127.0.0.1).

What arrives is what a subscriber's mailbox would get: both parts, the right addresses
and subject, a working unsubscribe link, the same Message-ID on a resend, hostile
headlines escaped, digests grouped by story; and what the outbox worker needs to know
when the server refuses, is down, or hangs.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from wirewatch.alerts.email import EmailNotifier
from wirewatch.alerts.unsubscribe import verify_unsubscribe_token
from wirewatch.config import Settings, load_settings
from wirewatch.model import Channel, ChannelKind, Delivery

PUBLIC = "https://news.example.org"
SECRET = "channel-secret-for-tests"


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps what it receives and can refuse recipients."""

    refuse_with: str | None = None  # e.g. "550 5.1.1 User unknown"
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def settings_for(port: int, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_from": "wirewatch@news.example.org",
        "smtp_timeout": 5.0,
        "public_url": PUBLIC,
    }
    values.update(changes)
    return load_settings(env={}, toml_path=Path("/nonexistent.toml"), overrides=values)


def channel(address: str = "reader@example.com", **options: str) -> Channel:
    return Channel(
        kind=ChannelKind.EMAIL, target=address, secret=SECRET, options=options, id=41, subscription_id=3
    )


def payload(
    key: str = "dlv_0001",
    *,
    story: int = 7,
    article: int = 12,
    title: str = "NATO chief pledges support",
    story_title: str = "NATO summit in Brussels",
    quote: str | None = "“We will support Ukraine for as long as it takes.”",
    created_at: str = "2026-07-11T09:15:03+00:00",
) -> dict[str, Any]:
    return {
        "type": "story",
        "id": key,
        "created_at": created_at,
        "subscription": {"id": 3, "query": "speaker:stoltenberg", "name": None},
        "story": {"id": story, "title": story_title, "article_count": 3, "outlets": ["Herald", "The Times"]},
        "article": {
            "id": article,
            "title": title,
            "url": f"https://www.thetimes.example/world/{article}",
            "outlet": "The Times",
            "published": "2026-07-11T09:00:00+00:00",
        },
        "quote": {"text": quote, "speaker": "Jens Stoltenberg"} if quote else None,
    }


def delivery(data: dict[str, Any], chan: Channel | None = None, ident: int = 1) -> Delivery:
    return Delivery(id=ident, key=data["id"], channel=chan or channel(), subscription_id=3, payload=data)


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


def unsubscribe_link(text: str) -> str:
    return next(word for word in text.split() if word.startswith(f"{PUBLIC}/unsubscribe/"))


def test_a_notification_arrives_with_both_parts_and_an_unsubscribe_link(
    smtp_server: tuple[Mailbox, int],
) -> None:
    mailbox, port = smtp_server
    result = asyncio.run(EmailNotifier(settings_for(port)).send(delivery(payload())))
    assert result.ok, result.error

    [(sender, recipients, message)] = mailbox.received
    assert sender == "wirewatch@news.example.org"
    assert recipients == ["reader@example.com"]
    assert message["From"] == "wirewatch@news.example.org"
    assert message["To"] == "reader@example.com"
    assert message["Subject"] == "[wirewatch] speaker:stoltenberg: NATO chief pledges support"
    assert message.get_content_type() == "multipart/alternative"
    assert message["Auto-Submitted"] == "auto-generated"

    text, html = parts(message)
    for body in (text, html):
        assert "NATO chief pledges support" in body
        assert "https://www.thetimes.example/world/12" in body
        assert "We will support Ukraine for as long as it takes." in body
        assert "Jens Stoltenberg" in body
    assert '<a href="https://www.thetimes.example/world/12">' in html

    link = unsubscribe_link(text)
    assert f'href="{link}"' in html
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert verify_unsubscribe_token(link.rsplit("/", 1)[1], SECRET) == 41
    assert verify_unsubscribe_token(link.rsplit("/", 1)[1], "another channel's secret") is None


def test_a_resent_delivery_carries_the_same_message_id(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    notifier = EmailNotifier(settings_for(port))
    first = asyncio.run(notifier.send(delivery(payload("dlv_0001"))))
    again = asyncio.run(notifier.send(delivery(payload("dlv_0001"))))
    other = asyncio.run(notifier.send(delivery(payload("dlv_0002"))))
    assert first.ok and again.ok and other.ok
    ids = [message["Message-ID"] for _, _, message in mailbox.received]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].endswith("@news.example.org>")


def test_a_hostile_headline_arrives_escaped_and_adds_no_header(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    hostile = payload(
        title="Breaking <script>alert(1)</script>\r\nBcc: victim@example.net\r\n\r\n<b>body</b>",
        quote='"</blockquote><img src=x onerror=alert(2)>"',
    )
    hostile["article"]["url"] = "javascript:alert(3)"
    result = asyncio.run(EmailNotifier(settings_for(port)).send(delivery(hostile)))
    assert result.ok, result.error

    [(_, recipients, message)] = mailbox.received
    assert recipients == ["reader@example.com"]
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]
    assert "Bcc: victim@example.net" in message["Subject"]  # the text stays, as one line
    _, html = parts(message)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "javascript:" not in html  # a link that is not http(s) is not made a link


def test_a_digest_lists_every_notification_grouped_by_story(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    chan = channel(digest="daily")
    payloads = [
        payload(
            "d1", story=7, article=12, title="NATO chief pledges support", created_at="2026-07-11T09:00:00Z"
        ),
        payload(
            "d2",
            story=8,
            article=20,
            title="Fuel prices fall",
            story_title="Fuel prices",
            quote=None,
            created_at="2026-07-11T10:00:00Z",
        ),
        payload(
            "d3",
            story=7,
            article=13,
            title="Stoltenberg: alliance stands firm",
            created_at="2026-07-11T11:00:00Z",
        ),
        payload(
            "d4", story=7, article=14, title="Allies back Kyiv, NATO says", created_at="2026-07-11T08:00:00Z"
        ),
    ]
    deliveries = [delivery(p, chan, i) for i, p in enumerate(payloads, 1)]
    notifier = EmailNotifier(settings_for(port))
    assert asyncio.run(notifier.send_digest(chan, deliveries)).ok
    assert asyncio.run(notifier.send_digest(chan, list(reversed(deliveries)))).ok

    first, again = (message for _, _, message in mailbox.received)
    assert first["Message-ID"] == again["Message-ID"]  # the same digest, resent
    assert first["Subject"] == "[wirewatch] speaker:stoltenberg: 4 new (daily digest)"
    text, html = parts(first)
    assert "4 new notifications about 2 stories" in text
    titles = [
        "Stoltenberg: alliance stands firm",
        "NATO chief pledges support",
        "Allies back Kyiv, NATO says",
        "Fuel prices fall",
    ]
    for body in (text, html):
        positions = [body.index(t) for t in titles]
        # story 7 (newest news first, its articles newest first), then story 8
        assert positions == sorted(positions)
        assert body.index("NATO summit in Brussels") < positions[0]
        assert positions[2] < body.index("Fuel prices") < positions[3]
    assert text.count("We will support Ukraine") == 3
    assert unsubscribe_link(text) in html


def test_a_recipient_the_server_refuses_for_good_is_gone(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    mailbox.refuse_with = "550 5.1.1 <reader@example.com>: Recipient address rejected: User unknown"
    result = asyncio.run(EmailNotifier(settings_for(port)).send(delivery(payload())))
    assert not result.ok
    assert result.gone
    assert result.error is not None and "550" in result.error
    assert "reader@example.com" not in result.error.split(":", 1)[0]
    assert mailbox.received == []


@pytest.mark.parametrize(
    ("reply", "gone"),
    [
        ("550 No such user here", True),
        ("553 5.1.3 Bad recipient address syntax", True),
        ("550 5.2.1 Mailbox disabled", True),
        ("554 5.7.1 <reader@example.com>: Relay access denied", False),
        ("550 relay not permitted", False),
        ("550 5.7.1 Message rejected as spam", False),
        ("552 5.3.4 Too many recipients", False),
    ],
)
def test_only_a_refusal_about_the_address_disables_the_channel(
    smtp_server: tuple[Mailbox, int], reply: str, gone: bool
) -> None:
    """A misconfigured relay or a spam filter must not unsubscribe everybody."""
    mailbox, port = smtp_server
    mailbox.refuse_with = reply
    result = asyncio.run(EmailNotifier(settings_for(port)).send(delivery(payload())))
    assert not result.ok
    assert result.gone is gone
    assert result.error is not None and reply[:3] in result.error


def test_a_temporary_refusal_is_retried_not_gone(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    mailbox.refuse_with = "450 4.2.0 Mailbox busy, try again later"
    result = asyncio.run(EmailNotifier(settings_for(port)).send(delivery(payload())))
    assert not result.ok
    assert not result.gone
    assert result.error is not None and "450" in result.error


@pytest.mark.parametrize("address", ["not-an-address", "a@b@c", "reader@example.com\r\nBcc: x@y.z", "", None])
def test_an_invalid_address_is_gone_without_a_connection(address: str | None) -> None:
    settings = settings_for(free_port())  # nothing listens there: a connection would fail
    chan = Channel(kind=ChannelKind.EMAIL, target=address, secret=SECRET, id=41)
    result = asyncio.run(EmailNotifier(settings).send(delivery(payload(), chan)))
    assert not result.ok
    assert result.gone


def test_a_server_that_is_down_is_an_error_to_retry() -> None:
    result = asyncio.run(EmailNotifier(settings_for(free_port())).send(delivery(payload())))
    assert not result.ok
    assert not result.gone
    assert result.error is not None and "smtp 127.0.0.1" in result.error


def test_a_server_that_never_answers_is_an_error_within_the_timeout() -> None:
    with socket.socket() as listener:  # accepts connections (the kernel does), never speaks
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        settings = settings_for(listener.getsockname()[1], smtp_timeout=0.3)
        result = asyncio.run(EmailNotifier(settings).send(delivery(payload())))
    assert not result.ok
    assert not result.gone
    assert result.error is not None and "timed out" in result.error


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away CA and a certificate for 127.0.0.1 signed by it (openssl CLI)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is needed to make test certificates")
    folder = tmp_path_factory.mktemp("smtp-certs")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=wirewatch test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    )
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    )
    return folder


def test_starttls_then_login_when_configured(certs: Path) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret", handled=False)

    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certs / "leaf.pem", certs / "leaf.key")
    client_tls = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    controller.start()
    try:
        good = settings_for(port, smtp_starttls=True, smtp_user="mailer", smtp_password="s3cret")
        assert asyncio.run(EmailNotifier(good, tls_context=client_tls).send(delivery(payload()))).ok
        wrong = good.replace(smtp_password="guess")
        refused = asyncio.run(EmailNotifier(wrong, tls_context=client_tls).send(delivery(payload("dlv_2"))))
        tried = len(logins)
        untrusted = asyncio.run(EmailNotifier(good).send(delivery(payload("dlv_3"))))  # system CAs only
    finally:
        controller.stop()
    assert len(mailbox.received) == 1
    assert logins[0] == (b"mailer", b"s3cret")
    assert not refused.ok and not refused.gone and "login refused" in (refused.error or "")
    assert not untrusted.ok and not untrusted.gone and "TLS" in (untrusted.error or "")
    assert len(logins) == tried  # no password for a server whose certificate failed
