"""Leads read and written a batch at a time, for the webhook and API write path.

:func:`read_leads` reads many leads in a few statements (bounded lists of ids), and
:class:`LeadWrites` holds the saves an applied batch decided and writes them in the order they
were made, each run of one kind as one ``executemany``: the same rows, surrogate ids and
sequence values as writing each save at once, without one round trip per save. Nothing in
the transaction may read the leads it holds before :meth:`LeadWrites.write`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from sqlalchemy import Connection, bindparam, text

from revpact.store.events import LEAD_COLUMNS, LeadRow, lead_row

__all__ = ["READ_CHUNK", "LeadWrites", "read_leads"]

READ_CHUNK: Final = 500
"""Ids per read statement."""

_READ: Final = text(f"SELECT {LEAD_COLUMNS} FROM leads WHERE lead_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)

_WRITTEN: Final = (
    "lead_type",
    "stage",
    "requested_follow_up",
    "owner",
    "attributes",
    "created_us",
    "notified_us",
    "first_touch_us",
    "due_us",
    "applies",
    "sla_fingerprint",
    "recorded_us",
    "recorded_by",
    "notified_recorded_us",
    "notified_by",
    "touch_claimed_us",
    "touch_recorded_us",
    "touch_by",
    "touch_approved_us",
    "touch_approved_by",
)
"""Every column :meth:`LeadWrites.save` writes (besides ``lead_id``)."""
_TOUCH_WRITTEN: Final = (
    "first_touch_us",
    "touch_claimed_us",
    "touch_recorded_us",
    "touch_by",
    "touch_approved_us",
    "touch_approved_by",
    "recorded_us",
    "recorded_by",
)
"""The columns :meth:`LeadWrites.save_touch` writes (besides ``lead_id``)."""
_SAVE: Final = text(
    f"INSERT INTO leads (lead_id, {', '.join(_WRITTEN)}) "
    f"VALUES (:lead_id, {', '.join(':' + c for c in _WRITTEN)}) "
    "ON CONFLICT (lead_id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _WRITTEN)
)
_SAVE_TOUCH: Final = text(
    f"UPDATE leads SET {', '.join(f'{c} = :{c}' for c in _TOUCH_WRITTEN)} WHERE lead_id = :lead_id"
)


def read_leads(conn: Connection, lead_ids: Iterable[str]) -> dict[str, LeadRow]:
    """The stored leads among ``lead_ids``, by id (those not stored are absent), read as
    :meth:`~revpact.store.events.EventRepository.lead` reads one."""
    ids = sorted(set(lead_ids))
    found: dict[str, LeadRow] = {}
    for start in range(0, len(ids), READ_CHUNK):
        for row in conn.execute(_READ, {"ids": ids[start : start + READ_CHUNK]}):
            found[row[0]] = lead_row(row)
    return found


class LeadWrites:
    """The lead saves of one batch, kept until :meth:`write` writes them in their order."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._runs: list[tuple[Any, list[dict[str, Any]]]] = []

    def save(self, lead_id: str, values: Mapping[str, object]) -> None:
        """Insert or replace one lead with every column of :data:`_WRITTEN` given in ``values``
        (None for NULL): the webhook and API path, which decided each value itself."""
        params = {"lead_id": lead_id, **{c: values[c] for c in _WRITTEN}}
        params["applies"] = bool(params["applies"])
        params["requested_follow_up"] = bool(params["requested_follow_up"])
        self._add(_SAVE, params)

    def save_touch(self, lead_id: str, values: Mapping[str, object]) -> None:
        """Write only the first-touch columns and ``recorded_us``/``recorded_by``
        (:data:`_TOUCH_WRITTEN`) of a stored lead: what a touch changes."""
        self._add(_SAVE_TOUCH, {"lead_id": lead_id, **{c: values[c] for c in _TOUCH_WRITTEN}})

    def write(self) -> None:
        """Write the saves kept so far, in the order they were made."""
        for statement, params in self._runs:
            self._conn.execute(statement, params)
        self._runs = []

    def _add(self, statement: Any, params: dict[str, Any]) -> None:
        if self._runs and self._runs[-1][0] is statement:
            self._runs[-1][1].append(params)
        else:
            self._runs.append((statement, [params]))
