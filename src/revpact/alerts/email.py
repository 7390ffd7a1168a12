"""Alerts by e-mail over SMTP (optionally STARTTLS and login), one message per alert."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import formatdate

from revpact.alerts.base import DeliveryError, OutgoingAlert
from revpact.alerts.settings import SmtpSettings

__all__ = ["EmailSender", "build_message"]

Connect = Callable[..., smtplib.SMTP]


def build_message(alert: OutgoingAlert, *, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The e-mail of one alert: its headline is the subject, its text the body.

    The ``Message-ID`` is derived from the lead and the kind, so should a crash make the
    scheduler send an alert twice, mail clients can tell it is the same message.
    """
    message = EmailMessage()
    message["Subject"] = f"[revpact] {alert.headline}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(usegmt=True)
    digest = hashlib.sha256(f"{alert.lead_id}\0{alert.kind}".encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "revpact.invalid"
    message["Message-ID"] = f"<alert.{alert.kind}.{digest}@{domain}>"
    message.set_content(alert.text + "\n")
    return message


class EmailSender:
    """Sends each alert to ``recipients`` through the SMTP server in ``smtp``.

    ``connect`` makes the SMTP connection (``smtplib.SMTP`` by default; tests may pass a fake).
    The server accepting the message for at least one recipient counts as delivered.
    """

    def __init__(
        self,
        smtp: SmtpSettings,
        *,
        sender: str,
        recipients: Sequence[str],
        timeout: float = 10.0,
        connect: Connect = smtplib.SMTP,
    ) -> None:
        if not recipients:
            raise ValueError("an e-mail alert needs at least one recipient")
        self._smtp = smtp
        self._sender = sender
        self._recipients = tuple(recipients)
        self._timeout = timeout
        self._connect = connect

    def send(self, alert: OutgoingAlert) -> None:
        host = self._smtp.host or "localhost"
        message = build_message(alert, sender=self._sender, recipients=self._recipients)
        try:
            with self._connect(host, self._smtp.port, timeout=self._timeout) as client:
                if self._smtp.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self._smtp.username:
                    client.login(self._smtp.username, self._smtp.password or "")
                client.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"SMTP server {host}:{self._smtp.port}: {type(exc).__name__}: {exc}"
            ) from exc
