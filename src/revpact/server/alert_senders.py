"""The senders the settings ask for, by channel."""

from __future__ import annotations

from revpact.alerts.base import Channel, Sender
from revpact.alerts.email import EmailSender
from revpact.alerts.slack import SlackSender
from revpact.server.settings import Settings

__all__ = ["senders_from_settings"]


def senders_from_settings(settings: Settings) -> dict[str, Sender]:
    """A sender for each channel configured: Slack when there is a webhook URL, e-mail when
    there are recipients (through ``[smtp]``'s host, ``localhost`` when none is given)."""
    alerts = settings.alerts
    found: dict[str, Sender] = {}
    if alerts.slack_webhook_url:
        found[Channel.SLACK] = SlackSender(alerts.slack_webhook_url)
    if alerts.email_to:
        found[Channel.EMAIL] = EmailSender(
            settings.smtp, sender=alerts.email_from, recipients=alerts.email_to
        )
    return found
