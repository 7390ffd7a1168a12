"""What every alert channel shares: the alert handed to a sender, the protocol, the error."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from revpact.errors import RevpactError

__all__ = ["AlertKind", "Channel", "DeliveryError", "OutgoingAlert", "Sender"]


class AlertKind(StrEnum):
    """Why a lead is alerted on: it has entered ``at_risk``, or it has breached."""

    AT_RISK = "at_risk"
    BREACH = "breach"


class Channel(StrEnum):
    """Where alerts go: a Slack-compatible incoming webhook, or e-mail over SMTP."""

    SLACK = "slack"
    EMAIL = "email"


@dataclass(frozen=True)
class OutgoingAlert:
    """One alert as a sender sees it. ``text`` is plain text; its first line is the headline
    (an e-mail's subject)."""

    lead_id: str
    kind: AlertKind
    text: str

    @property
    def headline(self) -> str:
        return self.text.split("\n", 1)[0]


class DeliveryError(RevpactError):
    """The receiver did not accept an alert (HTTP status, connection or SMTP error); the
    message says what happened and never holds a secret such as the webhook URL."""


class Sender(Protocol):
    """Sends one alert on one channel; returns once the receiver accepted it, else raises
    :class:`DeliveryError`."""

    def send(self, alert: OutgoingAlert) -> None: ...
