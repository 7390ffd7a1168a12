"""At-risk and breach alerts: what is sent, on which channel, and how failures are retried.

The scheduling itself (which leads alert, recording each alert once, delivering due ones) is
:mod:`revpact.services.alerts`; this package holds what it sends through:

* :class:`Sender` — the protocol of a channel: ``send(alert)`` returns once accepted, else
  raises :class:`DeliveryError`. Tests inject fakes.
* :class:`SlackSender` (:mod:`~revpact.alerts.slack`, httpx) and :class:`EmailSender`
  (:mod:`~revpact.alerts.email`, smtplib); the server builds those its settings ask for
  (:func:`revpact.server.alert_senders.senders_from_settings`).
* :func:`alert_text` — the message; :class:`RetryPolicy` — the backoff.
"""

from __future__ import annotations

from revpact.alerts.base import AlertKind, Channel, DeliveryError, OutgoingAlert, Sender
from revpact.alerts.email import EmailSender, build_message
from revpact.alerts.messages import AlertSubject, alert_text, local_time
from revpact.alerts.retry import DEFAULT_RETRY, RetryPolicy
from revpact.alerts.slack import SlackSender

__all__ = [
    "DEFAULT_RETRY",
    "AlertKind",
    "AlertSubject",
    "Channel",
    "DeliveryError",
    "EmailSender",
    "OutgoingAlert",
    "RetryPolicy",
    "Sender",
    "SlackSender",
    "alert_text",
    "build_message",
    "local_time",
]
