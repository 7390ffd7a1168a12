"""Versions of the agreement: identity, what changed, who signed, and which one is in force.

A version is identified by the SHA-256 of its canonical form (:func:`canonical_json`): the
agreement as validated, every default filled in, keys sorted, amounts normalised — so key
order, comments, quoting and line folding in the file do not change the hash; content does.

A version is *in force* once every signatory it requires has signed it; until then the
previous fully signed version stays in force. :class:`AgreementTimeline` answers "which version
governed this instant" — a lead at its notification, a feedback item when it was raised, a
month on its first day — so an amendment never rewrites what was measured before it.

Pure: no storage, no clock; times are epoch microseconds (UTC) passed in.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from revpact.domain.agreement.model import Agreement, Audience, Signatory
from revpact.domain.clock.calendar import to_us

__all__ = [
    "AgreementTimeline",
    "Change",
    "InForce",
    "SignatureRecord",
    "VersionRecord",
    "VersionState",
    "canonical_json",
    "diff",
    "fully_signed_us",
    "required_signatories",
    "timeline_of",
    "version_hash",
    "version_states",
]


# --- identity ---------------------------------------------------------------------------------


def _normal(value: Any) -> Any:
    """``value`` with every Decimal written in its shortest exact form (``5000.00`` → ``5000``)."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


_LATER_KEYS: Final[tuple[tuple[tuple[str, ...], object], ...]] = (
    (("company_goals", "revenue_source"), "recognised_else_won_deals"),
    (("sales", "follow_up", "late_entry_after"), "15m"),
)
"""Keys the agreement file gained after versions were first stored, with their defaults. While
a key holds its default it is left out of the canonical form, so every version stored before
the key existed keeps its hash (its id) — and an agreement that sets it differs."""


def _without_later_defaults(dumped: dict[str, Any]) -> dict[str, Any]:
    for path, default in _LATER_KEYS:
        *parents, key = path
        node: Any = dumped
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and key in node and node[key] == default:
            del node[key]
    return dumped


def canonical_json(agreement: Agreement) -> str:
    """The agreement's canonical form: its content as JSON, keys sorted, no whitespace."""
    dumped = _without_later_defaults(agreement.model_dump(mode="json"))
    # Money and percentages are dumped as the Decimal's text; re-read and normalise them so
    # that 5000 and 5000.00 are one value.
    return json.dumps(
        _normal(_decimals(dumped, agreement.model_dump(mode="python"))),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _decimals(as_json: Any, as_python: Any) -> Any:
    """``as_json`` with the values that are Decimals in ``as_python`` put back as Decimals."""
    if isinstance(as_python, Decimal):
        return as_python
    if isinstance(as_json, dict) and isinstance(as_python, dict):
        return {k: _decimals(v, as_python.get(k)) for k, v in as_json.items()}
    if isinstance(as_json, list) and isinstance(as_python, list | tuple):
        return [_decimals(j, p) for j, p in zip(as_json, as_python, strict=False)]
    return as_json


def version_hash(agreement: Agreement) -> str:
    """The version's identity: SHA-256 (hex) of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(agreement).encode("utf-8")).hexdigest()


# --- what changed -------------------------------------------------------------------------------

_LIST_KEYS = ("id", "email", "name")
"""A list of mappings is compared item by item under the first of these keys every item has."""


@dataclass(frozen=True)
class Change:
    """One change between two versions, at a dotted ``path`` of the agreement file, in plain
    words: a value ``before → after``, an item added or removed, and for a list of plain values
    (``rewards.monthly.requires``) which values were added and removed (``words``)."""

    path: str
    before: str | None  # None: added
    after: str | None  # None: removed
    words: str | None = None  # how a list of values changed, when it is one

    @property
    def section(self) -> str:
        return self.path.split(".", 1)[0].split("[", 1)[0]

    def __str__(self) -> str:
        if self.words is not None:
            return f"{self.path}: {self.words}"
        if self.before is None:
            return f"{self.path}: added {self.after}"
        if self.after is None:
            return f"{self.path}: removed {self.before}"
        return f"{self.path}: {self.before} → {self.after}"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        if "name" in value and "email" in value:
            return f"{value['name']} <{value['email']}>"
        label = next((value[k] for k in ("name", "id", "text") if k in value), None)
        return str(label) if label is not None else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) if value else "none"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _list_key(before: list[Any], after: list[Any]) -> str | None:
    """The key that names every item of both lists, uniquely within each (None: none does)."""
    items = before + after
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in _LIST_KEYS:
        if all(
            all(i.get(key) is not None for i in side)
            and len({str(i[key]) for i in side}) == len(side)
            for side in (before, after)
        ):
            return key
    return None


def _walk(path: str, before: Any, after: Any, out: list[Change]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(before) + [k for k in after if k not in before]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in after:
                out.append(Change(sub, _show(before[key]), None))
            elif key not in before:
                out.append(Change(sub, None, _show(after[key])))
            else:
                _walk(sub, before[key], after[key], out)
        return
    if isinstance(before, list) and isinstance(after, list):
        key = _list_key(before, after)
        if key is not None:
            old = {str(i[key]): i for i in before}
            new = {str(i[key]): i for i in after}
            for name in list(old) + [n for n in new if n not in old]:
                if name not in new:
                    out.append(Change(path, _show(old[name]), None))
                elif name not in old:
                    out.append(Change(path, None, _show(new[name])))
                else:
                    _walk(f"{path}[{name}]", old[name], new[name], out)
            return
        if len(before) == len(after) and all(isinstance(i, dict | list) for i in before + after):
            for index, (b, a) in enumerate(zip(before, after, strict=True)):
                _walk(f"{path}[{index + 1}]", b, a, out)
            return
        if not any(isinstance(i, dict | list) for i in before + after):
            out.append(Change(path, _show(before), _show(after), _list_words(before, after)))
            return
    out.append(Change(path, _show(before), _show(after)))


def _list_words(before: list[Any], after: list[Any]) -> str:
    """How a list of plain values changed: "added x; removed y (now: a, x)"."""
    added = [_show(v) for v in after if v not in before]
    removed = [_show(v) for v in before if v not in after]
    parts = [f"added {', '.join(added)}"] if added else []
    parts += [f"removed {', '.join(removed)}"] if removed else []
    if not parts:
        parts = ["reordered"]
    return f"{'; '.join(parts)} (now: {_show(after)})"


def diff(old: Agreement, new: Agreement) -> list[Change]:
    """What changed from ``old`` to ``new``, in the order of the file's sections."""
    out: list[Change] = []
    before = json.loads(canonical_json(old))
    after = json.loads(canonical_json(new))
    order = list(type(old).model_fields)
    for key in order:
        _walk(key, before.get(key), after.get(key), out)
    return out


# --- signing and being in force --------------------------------------------------------------


@dataclass(frozen=True)
class VersionRecord:
    """A published version: its number (1, 2, ...), hash, publication time and content."""

    number: int
    hash: str
    published_us: int
    agreement: Agreement
    published_by: str | None = None

    @property
    def label(self) -> str:
        return f"v{self.number} ({self.hash[:12]})"


@dataclass(frozen=True)
class SignatureRecord:
    version_hash: str
    email: str
    name: str
    signed_us: int
    via: str


def required_signatories(agreement: Agreement) -> tuple[Signatory, ...]:
    """Who must sign: every signatory, or only the leaders when the agreement says so."""
    if agreement.sign_off.required_from is Audience.LEADERSHIP:
        return tuple(p for p in agreement.signatories if p.leader)
    return agreement.signatories


def fully_signed_us(version: VersionRecord, signatures: Iterable[SignatureRecord]) -> int | None:
    """When the last required signature of ``version`` was given (None: someone has not
    signed). A version that names nobody is fully signed when it is published."""
    signed = {s.email.casefold(): s.signed_us for s in signatures if s.version_hash == version.hash}
    times = []
    for person in required_signatories(version.agreement):
        at = signed.get(person.email.casefold())
        if at is None:
            return None
        times.append(at)
    return max(times, default=version.published_us)


@dataclass(frozen=True)
class VersionState:
    version: VersionRecord
    fully_signed_us: int | None
    in_force_from_us: int | None  # None: never came into force (not yet, or superseded first)
    in_force_until_us: int | None  # None: still in force (or never was)


def version_states(
    versions: Sequence[VersionRecord], signatures: Iterable[SignatureRecord]
) -> list[VersionState]:
    """Each version with when it was fully signed and when it was in force.

    At any instant the version in force is the newest (highest number) of the versions fully
    signed by then; a version fully signed after a newer one never comes into force.
    """
    sigs = list(signatures)
    ordered = sorted(versions, key=lambda v: v.number)
    full = {v.hash: fully_signed_us(v, sigs) for v in ordered}
    spans: list[tuple[int, VersionRecord]] = []
    for version in sorted(
        (v for v in ordered if full[v.hash] is not None),
        key=lambda v: (full[v.hash] or 0, v.number),
    ):
        if not spans or version.number > spans[-1][1].number:
            spans.append((full[version.hash] or 0, version))
    starts = {v.hash: (start, index) for index, (start, v) in enumerate(spans)}
    states: list[VersionState] = []
    for version in ordered:
        start_index = starts.get(version.hash)
        if start_index is None:
            states.append(VersionState(version, full[version.hash], None, None))
            continue
        start, index = start_index
        until = spans[index + 1][0] if index + 1 < len(spans) else None
        states.append(VersionState(version, full[version.hash], start, until))
    return states


@dataclass(frozen=True)
class InForce:
    """One span of the timeline: ``agreement`` governed from ``since_us`` (None: from the
    beginning) until the next span's start. ``version`` is None for an unpublished file."""

    since_us: int | None
    agreement: Agreement
    version: VersionRecord | None

    @property
    def label(self) -> str:
        return "unpublished file" if self.version is None else self.version.label

    @property
    def hash(self) -> str | None:
        return None if self.version is None else self.version.hash

    @property
    def number(self) -> int | None:
        return None if self.version is None else self.version.number


@dataclass(frozen=True)
class AgreementTimeline:
    """Which agreement governed each instant.

    The first span applies to everything before it too: the first version that came into
    force is the agreement the period is measured under until an amendment takes over.
    """

    spans: tuple[InForce, ...]

    def __post_init__(self) -> None:
        if not self.spans:
            raise ValueError("a timeline needs at least one agreement")

    @classmethod
    def unpublished(cls, agreement: Agreement) -> AgreementTimeline:
        """The timeline of a store with no version in force: the file governs everything."""
        return cls((InForce(None, agreement, None),))

    @property
    def current(self) -> InForce:
        return self.spans[-1]

    @property
    def published(self) -> bool:
        return self.spans[-1].version is not None

    def starts_us(self) -> list[int]:
        """Where each span after the first begins (for ``numpy.searchsorted``)."""
        return [s.since_us for s in self.spans[1:] if s.since_us is not None]

    def index_at_us(self, instant_us: int) -> int:
        return bisect.bisect_right(self.starts_us(), instant_us)

    def at_us(self, instant_us: int) -> InForce:
        return self.spans[self.index_at_us(instant_us)]

    def at(self, moment: datetime) -> InForce:
        """The span in force at ``moment`` (an aware datetime)."""
        return self.at_us(to_us(moment))

    def fingerprint(self) -> str:
        """What decides every stored deadline: each span's start and SLA fingerprint. A single
        SLA (however many versions share it) has exactly that SLA's fingerprint."""
        sla = [s.agreement.sla_fingerprint() for s in self.spans]
        if len(set(sla)) == 1:
            return sla[0]
        payload = [[s.since_us, fp] for s, fp in zip(self.spans, sla, strict=True)]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def timeline_of(
    versions: Sequence[VersionRecord], signatures: Iterable[SignatureRecord]
) -> AgreementTimeline | None:
    """The timeline of the versions in force (None when no version has come into force)."""
    states = [s for s in version_states(versions, signatures) if s.in_force_from_us is not None]
    states.sort(key=lambda s: s.in_force_from_us or 0)
    if not states:
        return None
    spans = [
        InForce(None if i == 0 else s.in_force_from_us, s.version.agreement, s.version)
        for i, s in enumerate(states)
    ]
    return AgreementTimeline(tuple(spans))
