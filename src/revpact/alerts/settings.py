"""Where alerts go and the mail server they are sent through: the alert senders' own settings.

The server reads them with the rest of its settings (:mod:`revpact.server.settings`, sections
``[alerts]`` and ``[smtp]``); the senders here only need these two values.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AlertSettings", "SmtpSettings"]


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False


@dataclass(frozen=True)
class AlertSettings:
    """Where at-risk and breach alerts go; with neither a URL nor recipients, nowhere."""

    slack_webhook_url: str | None = None
    email_to: tuple[str, ...] = ()
    email_from: str = "revpact@localhost"
    interval_seconds: float = 30.0
    enabled: bool = True

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels alerts are sent on: ``slack`` and/or ``email``."""
        found: list[str] = []
        if self.slack_webhook_url:
            found.append("slack")
        if self.email_to:
            found.append("email")
        return tuple(found)
