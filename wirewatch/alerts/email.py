"""The email channel: notifications sent over SMTP, one at a time or as a digest.

``EmailNotifier.send`` mails one notification (an immediate channel); the outbox worker
gathers an hourly or daily channel's deliveries and calls ``send_digest`` once per period.
Messages are rendered by ``email_messages``; this module addresses and sends them with the
standard library's ``smtplib`` in a worker thread (STARTTLS with the certificate checked,
then login, when configured), under ``smtp_timeout`` per step and a hard deadline overall.

The ``Message-ID`` is made from the delivery key (a digest's from all its keys), so a
resend after a crash is recognisably the same message.  The outcome is always a
``SendResult``, never an exception: a refused connection, a timeout or a 4xx reply is an
error to retry; a permanent rejection of the recipient (550 "no such user", a 5.1.x status)
or an address that is not one is ``gone`` and the channel is disabled.  A 5xx that is about
us rather than the recipient (relay denied, authentication, policy) is an error, not gone:
a mistake in the SMTP settings must not unsubscribe everybody.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import re
import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from wirewatch.alerts.base import SendResult
from wirewatch.alerts.email_messages import render_digest, render_message
from wirewatch.alerts.notification import clean_text
from wirewatch.alerts.unsubscribe import unsubscribe_token
from wirewatch.config import Settings
from wirewatch.model import Channel, ChannelKind, Delivery

__all__ = ["DIGEST_PERIODS", "EmailNotifier", "digest_period", "render_digest", "render_message"]

DIGEST_PERIODS = ("hourly", "daily")
_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
_NO_LINK = "email: the channel has no id or secret to sign its unsubscribe link with"
_SAFE_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def digest_period(channel: Channel) -> str | None:
    """``"hourly"`` or ``"daily"`` for a digest channel; None when each email goes at once."""
    value = channel.options.get("digest") if isinstance(channel.options, dict) else None
    return value if value in DIGEST_PERIODS else None


class EmailNotifier:
    """Sends email notifications through the SMTP server of the settings.

    ``public_url`` (default: the ``public_url`` setting) starts every unsubscribe link;
    ``tls_context`` replaces the default certificate checks for STARTTLS (a private CA).
    Each email channel needs a ``secret`` (``unsubscribe.channel_secret()``): it signs the
    channel's unsubscribe link.
    """

    kind = ChannelKind.EMAIL

    def __init__(
        self,
        settings: Settings,
        *,
        public_url: str | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self._settings = settings
        self._public_url = (public_url or settings.public_url).rstrip("/")
        self._tls_context = tls_context
        self._where = f"smtp {settings.smtp_host}:{settings.smtp_port}"

    def unsubscribe_url(self, channel: Channel) -> str | None:
        """The channel's one-click unsubscribe link, or None if it has no id or secret."""
        if channel.id is None or not channel.secret:
            return None
        return f"{self._public_url}/unsubscribe/{unsubscribe_token(channel.id, channel.secret)}"

    async def send(self, delivery: Delivery) -> SendResult:
        """Mail one notification at once (whatever the channel's digest option says)."""
        try:
            unsubscribe = self.unsubscribe_url(delivery.channel)
            if unsubscribe is None:
                return SendResult(ok=False, error=_NO_LINK)
            message = render_message(delivery.payload, unsubscribe_url=unsubscribe)
            return await self._deliver(message, delivery.channel, keys=[delivery.key])
        except Exception as exc:  # a bug must not stop the outbox worker: report it as an error
            return SendResult(ok=False, error=f"email: {type(exc).__name__}: {_one_line(str(exc))}")

    async def send_digest(self, channel: Channel, deliveries: Sequence[Delivery]) -> SendResult:
        """Mail one digest of ``deliveries`` (one channel's, oldest first or in any order).
        Nothing to send is a success.  The Message-ID is the same for the same deliveries."""
        if not deliveries:
            return SendResult(ok=True)
        try:
            unsubscribe = self.unsubscribe_url(channel)
            if unsubscribe is None:
                return SendResult(ok=False, error=_NO_LINK)
            payloads = [d.payload for d in deliveries]
            query = next((_query_of(p) for p in payloads if _query_of(p)), None)
            period = digest_period(channel) or "daily"
            message = render_digest(query, payloads, period=period, unsubscribe_url=unsubscribe)
            return await self._deliver(message, channel, keys=[d.key for d in deliveries])
        except Exception as exc:  # as in send
            return SendResult(ok=False, error=f"email: {type(exc).__name__}: {_one_line(str(exc))}")

    async def _deliver(self, message: EmailMessage, channel: Channel, *, keys: Sequence[str]) -> SendResult:
        recipient = _valid_address(channel.target)
        if recipient is None:
            return SendResult(
                ok=False, error="email: the channel's address is not an email address", gone=True
            )
        sender = parseaddr(self._settings.smtp_from)[1]
        if _valid_address(sender) is None:
            return SendResult(ok=False, error="email: the smtp_from setting is not a valid email address")
        message["From"] = self._settings.smtp_from
        message["To"] = recipient
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = _message_id(keys, sender)
        # Each step waits smtp_timeout at most; a server that answers, slowly, forever is cut
        # off by this deadline (its thread ends at its own next timeout).
        deadline = self._settings.smtp_timeout * 4
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._send_sync, message, sender, recipient), timeout=deadline
            )
        except TimeoutError:
            return SendResult(ok=False, error=f"{self._where}: no answer within {deadline:g} s")

    def _send_sync(self, message: EmailMessage, sender: str, recipient: str) -> SendResult:
        try:
            self._converse(message, sender, recipient)
        except _Refusal as refusal:
            return refusal.result
        except (smtplib.SMTPException, OSError) as exc:  # ssl.SSLError and TimeoutError too
            return self._outcome(exc)
        return SendResult(ok=True)

    def _outcome(self, exc: smtplib.SMTPException | OSError) -> SendResult:
        """What a failed SMTP session means for the delivery (see the module docstring)."""
        gone = False
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, reply = next(iter(exc.recipients.values()), (0, b""))
            error, gone = self._reply("recipient refused", code, reply), _recipient_gone(code, _decode(reply))
        elif isinstance(exc, smtplib.SMTPDataError):
            error = self._reply("message refused", exc.smtp_code, exc.smtp_error)
            gone = _recipient_gone(exc.smtp_code, _decode(exc.smtp_error))
        elif isinstance(exc, smtplib.SMTPSenderRefused):
            error = self._reply("sender refused", exc.smtp_code, exc.smtp_error)
        elif isinstance(exc, smtplib.SMTPAuthenticationError):
            error = self._reply("login refused", exc.smtp_code, exc.smtp_error)
        elif isinstance(exc, smtplib.SMTPResponseException):
            error = self._reply("error", exc.smtp_code, exc.smtp_error)
        elif isinstance(exc, smtplib.SMTPNotSupportedError):
            error = f"{self._where}: not supported by the server: {_one_line(str(exc))}"
        elif isinstance(exc, ssl.SSLError):
            error = f"{self._where}: TLS failed: {_one_line(str(exc))}"
        elif isinstance(exc, TimeoutError):
            error = f"{self._where}: timed out after {self._settings.smtp_timeout:g} s"
        else:
            error = f"{self._where}: {type(exc).__name__}: {_one_line(str(exc))}"
        return SendResult(ok=False, error=error, gone=gone)

    def _converse(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """One SMTP session; after a failure the connection is dropped, without a QUIT that
        could wait a whole timeout more (and, after a failed STARTTLS, go out in clear)."""
        settings = self._settings
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
        try:
            smtp.ehlo_or_helo_if_needed()
            if settings.smtp_starttls:
                smtp.starttls(context=self._tls_context or ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                if not settings.smtp_starttls and not _is_local(settings.smtp_host):
                    raise _Refusal(
                        SendResult(
                            ok=False,
                            error=f"{self._where}: refusing to send the SMTP password unencrypted "
                            "(set smtp_starttls)",
                        )
                    )
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except BaseException:
            smtp.close()
            raise
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()  # the message was accepted; a lost goodbye changes nothing

    def _reply(self, what: str, code: int, reply: bytes | str) -> str:
        return f"{self._where}: {what}: {code} {_one_line(_decode(reply))}".rstrip()


class _Refusal(Exception):
    """We refuse to go on (a setting is unsafe); carries the result to report."""

    def __init__(self, result: SendResult) -> None:
        super().__init__(result.error)
        self.result = result


def _recipient_gone(code: int, reply: str) -> bool:
    """Whether a refusal means the address is dead for good (not our settings' fault)."""
    if code < 500:
        return False
    enhanced = _ENHANCED.match(reply)
    if enhanced:
        klass, subject, detail = (int(g) for g in enhanced.groups())
        # 5.1.x: bad mailbox, bad domain, bad syntax, moved, null MX (5.1.7/5.1.8: the sender);
        # 5.2.1: mailbox disabled.  5.7.x (policy, relaying, auth) and the rest: not the address.
        return klass == 5 and ((subject == 1 and detail not in {7, 8}) or (subject, detail) == (2, 1))
    lowered = reply.lower()
    if any(word in lowered for word in ("relay", "auth", "spam", "policy", "blocked")):
        return False
    return code in {550, 551, 553}


def _valid_address(value: object) -> str | None:
    """The address if it is one plain ``local@domain`` (no name, no list, no CR/LF), else None."""
    if not isinstance(value, str) or not 3 <= len(value) <= 254:
        return None
    if any(c.isspace() or not c.isprintable() or c in ',;<>"()[]\\' for c in value):
        return None
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or "@" in local or domain.startswith(".") or ".." in domain:
        return None
    try:
        address = Address(addr_spec=value)
    except (HeaderParseError, ValueError, IndexError):
        return None
    return value if address.addr_spec == value else None


def _message_id(keys: Sequence[str], sender: str) -> str:
    """``<…@domain>`` from the delivery keys alone: the same deliveries, the same id."""
    domain = sender.rpartition("@")[2] or "wirewatch.invalid"
    if len(keys) == 1 and _SAFE_KEY.match(keys[0]):
        left = f"wirewatch.{keys[0]}"
    else:
        digest = hashlib.sha256("\n".join(sorted(keys)).encode("utf-8", "surrogatepass")).hexdigest()
        left = f"wirewatch.{'digest' if len(keys) > 1 else 'key'}.{digest[:40]}"
    return f"<{left}@{domain}>"


def _query_of(payload: object) -> str | None:
    subscription = payload.get("subscription") if isinstance(payload, dict) else None
    if not isinstance(subscription, dict):
        return None
    name, query = subscription.get("name"), subscription.get("query")
    return clean_text(name) or clean_text(query)


def _is_local(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _one_line(text: str) -> str:
    return clean_text(text, limit=300) or ""
