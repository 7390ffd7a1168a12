"""Mapping files: changing a format's rules, and the errors a bad one gets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from export_samples import (
    HUBSPOT_CONTACTS,
    HUBSPOT_CONTACTS_HEADER,
    SALESFORCE_OPPORTUNITIES_API,
    SALESFORCE_OPPORTUNITIES_API_HEADER,
    write_export,
)
from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.ingest.formats import FORMATS, export_format

Stored = Callable[[], dict[str, dict[str, Any]]]


def mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_mapping_file_changes_columns_values_and_defaults(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    rows = [list(r) for r in HUBSPOT_CONTACTS]
    rows[0][6] = "CARRIER_PIGEON"
    path = write_export(tmp_path / "c.csv", HUBSPOT_CONTACTS_HEADER, rows, "cp1250")
    file = mapping(
        tmp_path,
        "leads:\n"
        "  lead_type:\n"
        "    values: {carrier pigeon: referral, Other Campaigns: content}\n"
        "  stage:\n"
        "    values: {subscriber: late}\n"
        "  owner:\n"
        "    columns: City\n"
        "  ignore: [Email, First Name]\n",
    )
    services.import_leads(engine, agreement, path, source_format="hubspot", mapping=file)
    leads = stored_leads()
    assert leads["101"]["lead_type"] == "referral"
    assert (leads["102"]["lead_type"], leads["102"]["stage"]) == ("content", "late")
    assert leads["103"]["lead_type"] == "referral"  # the format's own values still hold
    assert leads["101"]["owner"] == "Świętokrzyska"
    assert leads["101"]["attributes"] == {
        "Last Name": "Żółć",
        "Contact owner": "Jamal Reed",  # no longer read as the owner: kept as an attribute
    }


def test_a_mapping_file_for_deals_dates_and_amounts(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_deals: Stored
) -> None:
    rows = [list(r) for r in SALESFORCE_OPPORTUNITIES_API]
    rows[0][3], rows[0][4], rows[0][5] = "12,5", "05/03/2020", "04/03/2020 10:00"
    path = write_export(tmp_path / "o.csv", SALESFORCE_OPPORTUNITIES_API_HEADER, rows)
    file = mapping(
        tmp_path,
        'dates: {day_first: yes}\namounts: {decimal_separator: ","}\n'
        "deals:\n  lead_id: {columns: Name}\n",
    )
    services.import_deals(engine, agreement, path, source_format="salesforce", mapping=file)
    deal = stored_deals()["0065e00000Opp11"]
    assert (deal["amount_e4"], deal["lead_id"]) == (125_000, "Gęślą")
    assert (
        deal["closed_us"] - deal["created_us"] == 14 * 3600 * 1_000_000
    )  # 4 March 10:00 to 5 March 0:00


def test_the_formats_are_data() -> None:
    assert set(FORMATS) == {"canonical", "hubspot", "salesforce"}
    hubspot = export_format("HubSpot")
    assert hubspot.leads.fields["lead_type"].values["ORGANIC_SEARCH"] == "content"
    with pytest.raises(InputError, match="unknown format 'pipedrive'"):
        export_format("pipedrive")


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "leeds: {}\n",
            ["leeds: is not a key of a mapping file; use leads, deals, dates, amounts"],
        ),
        (
            "leads:\n  lead_type:\n    values: {ORGANIC_SEARCH: contnet}\n    pik: first\n",
            [
                "leads.lead_type.values.ORGANIC_SEARCH: 'contnet' is not a lead type of the "
                "agreement; use content, internet_sales_ready, referral, webinar",
                "leads.lead_type.pik: is not a field rule key; use one of columns, values, "
                "otherwise, default, pick, split",
            ],
        ),
        (
            "leads:\n  region: {columns: [City]}\n  owner: {pick: earliest, columns: [[a]]}\n",
            [
                "leads.region: is not a lead field; use one of lead_id, lead_type, stage, "
                "requested_follow_up, created_at, notified_at, first_touch_at, owner, ignore",
                "leads.owner.pick: earliest is for time fields only",
                "leads.owner.columns: must be a column name or a list of column names",
            ],
        ),
        (
            "deals:\n  outcome: {otherwise: maybe}\n  won_flag: IsWon\n"
            "dates: {day_first: sometimes}\namounts: {decimal_separator: ';'}\n",
            [
                "deals.outcome.otherwise: 'maybe' is not an outcome; use open, won or lost",
                "dates.day_first: must be true or false",
                'amounts.decimal_separator: \';\' is not "," or "."',
            ],
        ),
        ("leads: [lead_type]\n", ["leads: must be a mapping of canonical fields"]),
    ],
)
def test_a_bad_mapping_file_names_the_file_and_the_key(
    agreement: Agreement, tmp_path: Path, text: str, problems: list[str]
) -> None:
    file = mapping(tmp_path, text)
    with pytest.raises(InputError) as caught:
        export_format("hubspot", file, lead_types=agreement.lead_types())
    assert str(caught.value).startswith(f"{file}: the mapping file is not usable")
    assert caught.value.problems == problems


def test_an_unreadable_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the mapping file"):
        export_format("hubspot", tmp_path / "missing.yaml")
    broken = mapping(tmp_path, "leads:\n  lead_type: [\n")
    with pytest.raises(InputError, match=r"mapping.yaml: the mapping file is not valid YAML"):
        export_format("hubspot", broken)


def test_a_mapping_file_on_a_canonical_file(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(
        "id,type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner,miasto\n"
        "A1,content,late,true,02.03.2020 10:15,02.03.2020 10:20,,Łukasz,Łódź\n".encode("cp1250")
    )
    file = mapping(tmp_path, "leads:\n  lead_id: {columns: id}\n  lead_type: {columns: type}\n")
    services.import_leads(engine, agreement, path, mapping=file)
    lead = stored_leads()["A1"]
    assert (lead["owner"], lead["attributes"]) == ("Łukasz", {"miasto": "Łódź"})
