"""What HubSpot's webhook events mean to revpact: a mapping, as data, overridable by a file.

The defaults (:data:`DEFAULT_MAPPING`) as a mapping file (YAML, named by the ``hubspot_mapping``
setting) would read::

    notified:                      # property -> the value that means "the rep was notified"
      hubspot_owner_assigneddate: any          # any non-empty value (the time it holds)
      lifecyclestage: marketingqualifiedlead   # this value (at the event's time)
    touched:                       # properties whose new value is the time of a touch
      - hs_sa_first_engagement_date
      - notes_last_contacted
    lead_fields:                   # property -> the lead field it sets
      hubspot_owner_id: owner
      lifecyclestage: stage
      hs_analytics_source: lead_type
    lead_values:                   # lead field -> {HubSpot value: revpact value}
      lead_type: {REFERRALS: referral, ORGANIC_SEARCH: content, ...}
    lead_defaults:                 # fields of a lead HubSpot's events do not carry
      lead_type: content
      stage: ""
      requested_follow_up: true
    touch_channel: email           # the channel of a HubSpot touch
    deal_fields:                   # deal property -> deal field
      dealstage: outcome
      amount: amount
      closedate: closed_at
      createdate: created_at
    deal_outcomes: {closedwon: won, closedlost: lost}   # any other stage: open

A file gives only the sections it changes; a section it gives replaces the default one
(``lead_values`` and ``deal_outcomes`` are merged key by key). Contacts become leads by their
HubSpot id (``objectId``), deals become deals by theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import yaml

from revpact.errors import InputError
from revpact.ingest.webhooks.events import Channel

__all__ = ["ANY_VALUE", "DEFAULT_MAPPING", "HubSpotMapping", "load_mapping"]

ANY_VALUE: Final = "any"
_LEAD_FIELDS: Final = frozenset({"owner", "stage", "lead_type", "requested_follow_up"})
_DEAL_FIELDS: Final = frozenset(
    {"outcome", "amount", "closed_at", "created_at", "proposal_at", "owner"}
)


@dataclass(frozen=True)
class HubSpotMapping:
    notified: Mapping[str, str] = field(default_factory=dict)
    touched: tuple[str, ...] = ()
    lead_fields: Mapping[str, str] = field(default_factory=dict)
    lead_values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    lead_defaults: Mapping[str, Any] = field(default_factory=dict)
    touch_channel: str = Channel.EMAIL.value
    deal_fields: Mapping[str, str] = field(default_factory=dict)
    deal_outcomes: Mapping[str, str] = field(default_factory=dict)


DEFAULT_MAPPING: Final = HubSpotMapping(
    notified={"hubspot_owner_assigneddate": ANY_VALUE, "lifecyclestage": "marketingqualifiedlead"},
    touched=("hs_sa_first_engagement_date", "notes_last_contacted"),
    lead_fields={
        "hubspot_owner_id": "owner",
        "lifecyclestage": "stage",
        "hs_analytics_source": "lead_type",
    },
    lead_values={
        "lead_type": {
            "REFERRALS": "referral",
            "ORGANIC_SEARCH": "content",
            "SOCIAL_MEDIA": "content",
            "EMAIL_MARKETING": "content",
            "OTHER_CAMPAIGNS": "webinar",
            "OFFLINE": "webinar",
            "DIRECT_TRAFFIC": "internet_sales_ready",
            "PAID_SEARCH": "internet_sales_ready",
            "PAID_SOCIAL": "internet_sales_ready",
        }
    },
    lead_defaults={"lead_type": "content", "stage": "", "requested_follow_up": True},
    touch_channel=Channel.EMAIL.value,
    deal_fields={
        "dealstage": "outcome",
        "amount": "amount",
        "closedate": "closed_at",
        "createdate": "created_at",
    },
    deal_outcomes={"closedwon": "won", "closedlost": "lost"},
)
"""The mapping used when no mapping file is configured (HubSpot's default property names)."""

_SECTIONS: Final = (
    "notified",
    "touched",
    "lead_fields",
    "lead_values",
    "lead_defaults",
    "touch_channel",
    "deal_fields",
    "deal_outcomes",
)


def load_mapping(path: Path | None) -> HubSpotMapping:
    """The mapping of the file at ``path`` over the defaults (the defaults when None)."""
    if path is None:
        return DEFAULT_MAPPING
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the HubSpot mapping {path}: {exc.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid YAML file: {exc}") from None
    if raw is None:
        return DEFAULT_MAPPING
    if not isinstance(raw, dict):
        raise InputError(f"{path}: must be a mapping of sections ({', '.join(_SECTIONS)})")
    problems: list[str] = []
    for key in raw:
        if key not in _SECTIONS:
            problems.append(f"{key}: is not a section; the sections are {', '.join(_SECTIONS)}")
    mapping = DEFAULT_MAPPING
    sections: dict[str, Any] = {}
    for name in ("notified", "lead_fields", "deal_fields", "lead_defaults"):
        if name in raw:
            sections[name] = _text_map(
                raw[name], name, problems, values_any=name == "lead_defaults"
            )
    mapping = replace(mapping, **sections)
    if "touched" in raw:
        touched = raw["touched"]
        if not isinstance(touched, list) or not all(isinstance(p, str) for p in touched):
            problems.append("touched: must be a list of property names")
        else:
            mapping = replace(mapping, touched=tuple(touched))
    if "touch_channel" in raw:
        if raw["touch_channel"] not in {c.value for c in Channel}:
            problems.append(
                f"touch_channel: {raw['touch_channel']!r} is not call, email or meeting"
            )
        else:
            mapping = replace(mapping, touch_channel=raw["touch_channel"])
    if "deal_outcomes" in raw:
        outcomes = _text_map(raw["deal_outcomes"], "deal_outcomes", problems)
        mapping = replace(mapping, deal_outcomes={**mapping.deal_outcomes, **outcomes})
    if "lead_values" in raw:
        values = raw["lead_values"]
        merged = {k: dict(v) for k, v in mapping.lead_values.items()}
        if not isinstance(values, dict):
            problems.append("lead_values: must map lead fields to {HubSpot value: value}")
        else:
            for lead_field, table in values.items():
                merged.setdefault(str(lead_field), {}).update(
                    _text_map(table, f"lead_values.{lead_field}", problems)
                )
        mapping = replace(mapping, lead_values=merged)
    for prop, target in mapping.lead_fields.items():
        if target not in _LEAD_FIELDS:
            problems.append(f"lead_fields.{prop}: {target!r} is not one of {sorted(_LEAD_FIELDS)}")
    for prop, target in mapping.deal_fields.items():
        if target not in _DEAL_FIELDS:
            problems.append(f"deal_fields.{prop}: {target!r} is not one of {sorted(_DEAL_FIELDS)}")
    for key, outcome in mapping.deal_outcomes.items():
        if outcome not in ("open", "won", "lost"):
            problems.append(f"deal_outcomes.{key}: {outcome!r} is not open, won or lost")
    if problems:
        raise InputError(f"{path}: the HubSpot mapping is not valid", problems)
    return mapping


def _text_map(
    value: object, where: str, problems: list[str], *, values_any: bool = False
) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a mapping")
        return {}
    found: dict[str, Any] = {}
    for key, item in value.items():
        if values_any and isinstance(item, str | bool):
            found[str(key)] = item
        elif isinstance(item, str | int) and not isinstance(item, bool):
            found[str(key)] = str(item)
        else:
            problems.append(f"{where}.{key}: {item!r} must be text")
    return found
