"""Alerts to a Slack-compatible incoming webhook: one JSON ``{"text": ...}`` POST each."""

from __future__ import annotations

import httpx

from revpact.alerts.base import DeliveryError, OutgoingAlert

__all__ = ["SlackSender"]


class SlackSender:
    """POSTs ``{"text": alert text}`` to ``url``; any 2xx answer means accepted.

    ``transport`` replaces the network (e.g. ``httpx.MockTransport``) in tests. The URL is a
    secret (whoever has it can post), so errors never show it.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._url = url
        self._timeout = timeout
        self._transport = transport

    def send(self, alert: OutgoingAlert) -> None:
        try:
            with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
                response = client.post(self._url, json={"text": alert.text})
        except httpx.HTTPError as exc:
            raise DeliveryError(
                f"cannot reach the Slack webhook: {type(exc).__name__}: {exc}"
            ) from exc
        if not response.is_success:
            body = response.text.strip().replace("\n", " ")[:200]
            raise DeliveryError(
                f"the Slack webhook answered HTTP {response.status_code}"
                + (f": {body}" if body else "")
            )
