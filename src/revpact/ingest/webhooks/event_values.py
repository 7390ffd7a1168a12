"""The text rule (:mod:`revpact.domain.text_values`) held on webhook events, whatever their
scheme: checked on the :class:`~revpact.ingest.webhooks.events.Event` revpact understood, so
a HubSpot property and a revpact field are held to the same bounds before anything is
stored.

* :func:`check_event_values`: the event's identity (at most :data:`MAX_KEY` characters), its
  lead and deal ids (:data:`MAX_ID`), the owner, stage and lead type it sets (:data:`MAX_NAME`)
  and its attributes (:data:`MAX_VALUE`): no NUL, no lone surrogate, not too long;
* :func:`lone_surrogates`: a body's ``\\ud800``-style escapes that decode to no character,
  anywhere in it (fields revpact does not read are stored as received, as UTF-8).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Protocol

from revpact.domain.text_values import (
    MAX_ID,
    MAX_KEY,
    MAX_NAME,
    MAX_VALUE,
    escaped,
    text_problem,
)

__all__ = ["check_event_values", "lone_surrogates"]

_LIMITS: Final = {
    "lead_id": MAX_ID,
    "owner": MAX_NAME,
    "stage": MAX_NAME,
    "lead_type": MAX_NAME,
}
_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F]")


class _Understood(Protocol):
    """What of an :class:`~revpact.ingest.webhooks.events.Event` is checked."""

    @property
    def key(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def lead_id(self) -> str | None: ...
    @property
    def deal_id(self) -> str | None: ...
    @property
    def changes(self) -> Mapping[str, Any]: ...
    @property
    def defaults(self) -> Mapping[str, Any]: ...


def check_event_values(
    event: _Understood, where: str, problems: list[str], *, source_field: str | None = None
) -> None:
    """Report each text of ``event`` that breaks the text rule, named by its field in
    revpact's scheme (``events[2].lead.owner``), or by ``source_field`` (a HubSpot event's
    ``propertyValue``) when the values came from that field of the sender's format."""
    part = {"lead.notified": "lead.", "deal.updated": "deal."}.get(event.type, "")
    found: list[tuple[str, str, int]] = [("id", event.key, MAX_KEY)]
    ids = (("lead_id", event.lead_id), ("deal_id", event.deal_id))
    found += [(part + name, value, MAX_ID) for name, value in ids if value is not None]
    for values in (event.changes, event.defaults):
        for name, value in values.items():
            if not isinstance(value, str):
                continue
            if name.startswith("attributes."):
                found.append((part + name, name.removeprefix("attributes."), MAX_NAME))
                found.append((part + name, value, MAX_VALUE))
            elif name in _LIMITS:
                found.append((part + name, value, _LIMITS[name]))
    for name, value, limit in found:
        problem = text_problem(value, limit)
        if problem is not None:
            shown_as = source_field if source_field is not None and name != "id" else name
            problems.append(escaped(f"{where}.{shown_as}: {problem}"))


def lone_surrogates(body: bytes, data: Any, prefix: str, single: bool) -> list[str]:
    """Where ``data`` (the JSON of ``body``) holds a lone surrogate, in a key or a value; the
    body's bytes are searched first, so a body without such an escape costs one scan."""
    if not _SURROGATE_ESCAPE.search(body):
        return []
    found: list[str] = []
    if single:
        _walk(data, prefix, found)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            _walk(item, f"{prefix}[{i}]", found)
    return found[:50]


def _walk(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, str):
        if not _encodable(value):
            found.append(escaped(f"{path}: contains a lone surrogate, which is not text"))
    elif isinstance(value, dict):
        for name, item in value.items():
            if not _encodable(name):
                found.append(escaped(f"{path}: a key contains a lone surrogate, which is not text"))
                continue
            _walk(item, f"{path}.{name}", found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", found)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
