"""Reading a lead file in a helper process, so that parsing overlaps the database writes.

An import spends its time in two places of about the same size: turning text into checked
columns (Python) and writing rows (the database driver). One process can only do one at a
time, so for a large file :class:`ProcessLeadReader` runs :class:`LeadReader` in a child
process that sends each finished :class:`LeadChunk` through a pipe while the caller writes the
previous one. At most two packed chunks wait for the caller (one in the pipe, one queued), so
memory stays bounded; the chunks, their order and every problem reported are exactly those of
an in-process :class:`LeadReader`.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.ingest.leads.canonical import LeadChunk, LeadColumns, LeadReader

__all__ = ["ProcessLeadReader"]

_WAITING = 1
"""Packed chunks that may wait for the pipe besides the one being sent."""


class ProcessLeadReader:
    """:class:`LeadReader`'s interface over a file path, with the parsing in a child process.

    The header is read and checked here, on construction, so header problems surface at once.
    """

    def __init__(self, path: Path, *, source: str, agreement: Agreement) -> None:
        self.path = path
        self.source = source
        self._agreement = agreement
        with path.open("rb") as fp:
            probe = LeadReader(fp, source=source, agreement=agreement)
        self.header = probe.header
        self.extra = probe.extra
        self.bytes_total = path.stat().st_size
        self.rows_read = 0
        self._estimate = 0
        self._sha256 = ""

    @property
    def sha256(self) -> str:
        return self._sha256

    def estimated_rows(self) -> int:
        return max(self._estimate, self.rows_read)

    def chunks(self) -> Iterator[LeadChunk]:
        methods = multiprocessing.get_all_start_methods()
        # Any: typeshed's BaseContext does not declare Process.
        context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_produce,
            args=(str(self.path), self.source, self._agreement, sender, receiver),
            name="revpact-lead-reader",
            daemon=True,
        )
        child.start()
        sender.close()
        try:
            while True:
                try:
                    kind, payload = receiver.recv()
                except EOFError:
                    raise RuntimeError("the lead reader process stopped unexpectedly") from None
                if kind == "chunk":
                    packed, self.rows_read, self._estimate = payload
                    yield _unpack(packed)
                elif kind == "done":
                    self._sha256, self.rows_read = payload
                    return
                elif kind == "input":
                    message, problems = payload
                    raise InputError(message, problems)
                else:
                    raise RuntimeError(f"the lead reader process failed:\n{payload}")
        finally:
            receiver.close()
            child.join(timeout=5)
            if child.is_alive():  # pragma: no cover - only when the caller gave up early
                child.terminate()
                child.join()


def _produce(
    path: str, source: str, agreement: Agreement, sender: Connection, receiver: Connection
) -> None:
    """The child's work; it ends with ``os._exit`` so that nothing inherited from the parent
    (a progress bar's thread holding the stdout lock, say) is flushed or finalised here.

    The child closes its copy of the pipe's reading end first: were it left open, a caller
    that stops reading early would not break the pipe, and the child would wait on a full one.
    """
    receiver.close()
    try:
        _send_chunks(path, source, agreement, sender)
    finally:
        os._exit(0)


def _send_chunks(path: str, source: str, agreement: Agreement, sender: Connection) -> None:
    gc.disable()  # many small objects, no cycles (see services)
    # A thread posts the packed chunks, so the next chunk is parsed while the caller is still
    # busy with the one before and has not taken the last one off the pipe yet.
    outbox: queue.Queue[tuple[str, Any] | None] = queue.Queue(maxsize=_WAITING)
    gone = threading.Event()  # the caller stopped reading

    def post() -> None:
        while (message := outbox.get()) is not None:
            if gone.is_set():
                continue
            try:
                sender.send(message)
            except (BrokenPipeError, OSError):
                gone.set()

    poster = threading.Thread(target=post, name="revpact-lead-poster", daemon=True)
    poster.start()
    message: tuple[str, Any] | None = None
    try:
        with open(path, "rb") as fp:
            reader = LeadReader(fp, source=source, agreement=agreement)
            for chunk in reader.chunks():
                if gone.is_set():
                    break
                packed = _pack(chunk)
                outbox.put(("chunk", (packed, reader.rows_read, reader.estimated_rows())))
            else:
                message = ("done", (reader.sha256, reader.rows_read))
    except InputError as exc:
        message = ("input", (str(exc).split("\n", 1)[0], exc.problems))
    except BaseException:
        message = ("crash", traceback.format_exc())
    finally:
        if message is not None:
            outbox.put(message)
        outbox.put(None)
        poster.join()
        sender.close()


# A list of a hundred thousand strings pickles one object at a time; joined into one text it
# is a single copy each way, and splitting it again costs less than unpickling the list.

_Texts = str | list[str]


def _pack(chunk: LeadChunk) -> tuple[Any, ...]:
    leads = chunk.leads
    attributes = None if leads.attributes is None else _join(leads.attributes)
    texts = (_join(leads.lead_id), _join(leads.lead_type), _join(leads.stage), _join(leads.owner))
    arrays = (
        leads.requested_follow_up,
        leads.created_us,
        leads.notified_us,
        leads.first_touch_us,
        leads.applies,
    )
    return texts, attributes, arrays, chunk.rejected, chunk.rows


def _unpack(packed: tuple[Any, ...]) -> LeadChunk:
    (ids, types, stages, owners), attributes, arrays, rejected, rows = packed
    requested, created, notified, touched, applies = arrays
    leads = LeadColumns(
        lead_id=_split(ids),
        lead_type=_split(types),
        stage=_split(stages),
        requested_follow_up=requested,
        owner=_split(owners),
        attributes=None if attributes is None else _split(attributes),
        created_us=created,
        notified_us=notified,
        first_touch_us=touched,
        applies=applies,
    )
    return LeadChunk(leads=leads, rejected=rejected, rows=rows)


def _join(values: list[str]) -> _Texts:
    joined = "\0".join(values)
    return joined if values and joined.count("\0") == len(values) - 1 else values


def _split(texts: _Texts) -> list[str]:
    return texts.split("\0") if isinstance(texts, str) else texts
