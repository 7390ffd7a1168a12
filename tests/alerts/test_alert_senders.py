"""The senders, with the network replaced: httpx's MockTransport and a fake SMTP connection."""

from __future__ import annotations

import json
import smtplib
from email.message import EmailMessage
from typing import Any, ClassVar

import httpx
import pytest

from revpact.alerts import (
    AlertKind,
    DeliveryError,
    EmailSender,
    OutgoingAlert,
    SlackSender,
)
from revpact.server.alert_senders import senders_from_settings
from revpact.server.settings import AlertSettings, Settings, SmtpSettings

ALERT = OutgoingAlert(
    "L1",
    AlertKind.AT_RISK,
    "At risk: lead L1 (content), owner ana, 10m of business time left\nFollow up by ...",
)
URL = "https://hooks.slack.example/services/T000/B000/secret-token"


def test_slack_posts_the_text_as_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    SlackSender(URL, transport=httpx.MockTransport(handler)).send(ALERT)
    [request] = seen
    assert request.method == "POST" and str(request.url) == URL
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"text": ALERT.text}


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_slack_refusal_is_a_delivery_error_without_the_secret_url(status: int) -> None:
    sender = SlackSender(
        URL, transport=httpx.MockTransport(lambda _r: httpx.Response(status, text="no_service"))
    )
    with pytest.raises(DeliveryError) as caught:
        sender.send(ALERT)
    assert str(caught.value) == f"the Slack webhook answered HTTP {status}: no_service"
    assert "secret-token" not in str(caught.value)


def test_slack_unreachable_is_a_delivery_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    with pytest.raises(DeliveryError, match="cannot reach the Slack webhook: ConnectError"):
        SlackSender(URL, transport=httpx.MockTransport(handler)).send(ALERT)


class FakeSmtp:
    """Stands in for smtplib.SMTP: records the calls; ``fail`` raises from send_message."""

    instances: ClassVar[list[FakeSmtp]] = []

    def __init__(self, host: str, port: int, timeout: float, fail: Exception | None = None):
        self.host, self.port, self.timeout = host, port, timeout
        self.calls: list[tuple[str, Any]] = []
        self.fail = fail
        FakeSmtp.instances.append(self)

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append(("quit", None))

    def starttls(self, context: object) -> None:
        self.calls.append(("starttls", context is not None))

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", (user, password)))

    def send_message(self, message: EmailMessage) -> dict[str, Any]:
        if self.fail is not None:
            raise self.fail
        self.calls.append(("send", message))
        return {}


@pytest.fixture(autouse=True)
def _fresh_fakes() -> None:
    FakeSmtp.instances.clear()


def test_email_builds_one_message_per_alert() -> None:
    smtp = SmtpSettings(host="mail.example.com", port=587)
    sender = EmailSender(
        smtp, sender="revpact@example.com", recipients=("a@example.com", "b@example.com"),
        connect=FakeSmtp,
    )  # fmt: skip
    sender.send(ALERT)
    [client] = FakeSmtp.instances
    assert (client.host, client.port, client.timeout) == ("mail.example.com", 587, 10.0)
    assert [name for name, _ in client.calls] == ["send", "quit"]
    message = client.calls[0][1]
    assert message["Subject"] == (
        "[revpact] At risk: lead L1 (content), owner ana, 10m of business time left"
    )
    assert message["From"] == "revpact@example.com"
    assert message["To"] == "a@example.com, b@example.com"
    assert message["Message-ID"].startswith("<alert.at_risk.")
    assert message["Message-ID"].endswith("@example.com>")
    assert message.get_content() == ALERT.text + "\n"


def test_email_uses_starttls_and_login_when_configured() -> None:
    smtp = SmtpSettings(host="mail.example.com", port=587, username="u", password="p",
                        starttls=True)  # fmt: skip
    EmailSender(smtp, sender="r@example.com", recipients=("a@example.com",),
                connect=FakeSmtp).send(ALERT)  # fmt: skip
    [client] = FakeSmtp.instances
    assert [name for name, _ in client.calls] == ["starttls", "login", "send", "quit"]
    assert client.calls[1][1] == ("u", "p")


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
def test_smtp_errors_are_delivery_errors(error: Exception) -> None:
    def connect(host: str, port: int, timeout: float) -> FakeSmtp:
        return FakeSmtp(host, port, timeout, fail=error)

    sender = EmailSender(SmtpSettings(host="mx", port=25), sender="r@example.com",
                         recipients=("a@example.com",), connect=connect)  # fmt: skip
    with pytest.raises(DeliveryError, match=r"^SMTP server mx:25: "):
        sender.send(ALERT)


def test_email_needs_a_recipient() -> None:
    with pytest.raises(ValueError):
        EmailSender(SmtpSettings(), sender="r@example.com", recipients=())


def test_senders_follow_the_settings() -> None:
    assert senders_from_settings(Settings()) == {}
    both = senders_from_settings(
        Settings(alerts=AlertSettings(slack_webhook_url=URL, email_to=("a@example.com",)))
    )
    assert list(both) == ["slack", "email"]
    assert isinstance(both["slack"], SlackSender) and isinstance(both["email"], EmailSender)
    only_mail = senders_from_settings(Settings(alerts=AlertSettings(email_to=("a@example.com",))))
    assert list(only_mail) == ["email"]
