"""Lead exports from HubSpot and Salesforce, imported end to end into the store."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from export_samples import (
    HUBSPOT_API,
    HUBSPOT_API_HEADER,
    HUBSPOT_CONTACTS,
    HUBSPOT_CONTACTS_HEADER,
    SALESFORCE_API,
    SALESFORCE_API_HEADER,
    SALESFORCE_FOOTER,
    SALESFORCE_REPORT,
    SALESFORCE_REPORT_HEADER,
    export_text,
    write_export,
)
from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.errors import InputError
from revpact.ingest.formats import ExportLeadReader, export_format

Stored = Callable[[], dict[str, dict[str, Any]]]


def us(*args: int) -> int:
    return to_us(datetime(*args, tzinfo=UTC))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1250"])
def test_hubspot_contact_export(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored, encoding: str
) -> None:
    path = write_export(
        tmp_path / "hubspot-contacts.csv", HUBSPOT_CONTACTS_HEADER, HUBSPOT_CONTACTS, encoding
    )
    report = services.import_leads(engine, agreement, path, source_format="hubspot")
    assert (report.rows, report.inserted, report.rejected) == (3, 3, 0)
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    leads = stored_leads()
    first = leads["101"]
    assert (first["lead_type"], first["stage"], first["requested_follow_up"]) == (
        "content",
        "late",
        True,
    )
    # "2020-03-02 10:15" is New York wall-clock time (EST, -05:00)
    assert first["created_us"] == us(2020, 3, 2, 15, 15)
    assert first["notified_us"] == us(2020, 3, 2, 15, 20)
    assert first["first_touch_us"] == us(2020, 3, 2, 15, 50)
    assert first["owner"] == "Jamal Reed"
    assert first["attributes"] == {
        "First Name": "Łukasz",
        "Last Name": "Żółć",
        "Email": "lukasz@example.pl",
        "City": "Świętokrzyska",
    }
    second = leads["102"]  # a subscriber from a webinar campaign: no follow-up asked
    assert (second["lead_type"], second["stage"], second["requested_follow_up"]) == (
        "webinar",
        "early",
        False,
    )
    assert second["notified_us"] is None and second["owner"] is None
    assert second["attributes"]["Last Name"] == "Gęślą"
    assert second["attributes"]["City"] == "Kraków"
    third = leads["103"]  # no owner assigned date: the MQL date stands in for it
    assert third["lead_type"] == "referral" and third["requested_follow_up"]
    assert third["notified_us"] == us(2020, 3, 3, 14, 5)


def test_hubspot_api_export_in_windows_1252(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    path = write_export(tmp_path / "c.csv", HUBSPOT_API_HEADER, HUBSPOT_API, "cp1252")
    services.import_leads(engine, agreement, path, source_format="hubspot")
    lead = stored_leads()["201"]
    assert lead["attributes"] == {"firstname": "José", "lastname": "Müller"}
    assert (lead["lead_type"], lead["stage"], lead["owner"]) == (
        "internet_sales_ready",
        "late",
        "51234",
    )
    assert lead["created_us"] == us(2020, 3, 2, 15, 15)
    assert lead["first_touch_us"] == us(2020, 3, 2, 15, 40)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1250"])
def test_salesforce_report_export(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored, encoding: str
) -> None:
    rows = (*SALESFORCE_REPORT, *SALESFORCE_FOOTER)
    path = write_export(tmp_path / "report.csv", SALESFORCE_REPORT_HEADER, rows, encoding)
    report = services.import_leads(engine, agreement, path, source_format="salesforce")
    assert (report.rows, report.inserted, report.rejected) == (2, 2, 0)  # the footer is skipped
    leads = stored_leads()
    web = leads["00Q5e00000AbCdE"]
    assert (web["lead_type"], web["stage"], web["requested_follow_up"]) == (
        "internet_sales_ready",
        "late",
        True,
    )
    assert web["created_us"] == web["notified_us"] == us(2020, 3, 2, 15, 15)
    assert web["first_touch_us"] == us(2020, 3, 2, 15, 45)  # the earlier of call and email
    assert web["owner"] == "Sarah Whitfield"
    assert web["attributes"]["Company / Account"] == "Świętokrzyska Sp. z o.o."
    assert web["attributes"]["Last Name"] == "Żółć"
    partner = leads["00Q5e00000AbCdF"]
    assert partner["lead_type"] == "referral"
    assert partner["created_us"] == us(2020, 3, 2, 18, 5)
    assert partner["first_touch_us"] is None


def test_salesforce_report_in_a_polish_locale(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    row = list(SALESFORCE_REPORT[0])
    row[7:10] = ["02.03.2020 10:15", "02.03.2020 11:30", ""]
    path = tmp_path / "raport.csv"  # Excel in a Polish locale: semicolons, Windows-1250
    path.write_bytes(
        export_text(SALESFORCE_REPORT_HEADER, [row]).replace('","', '";"').encode("cp1250")
    )
    services.import_leads(engine, agreement, path, source_format="salesforce")
    lead = stored_leads()["00Q5e00000AbCdE"]
    assert lead["created_us"] == us(2020, 3, 2, 15, 15)
    assert lead["first_touch_us"] == us(2020, 3, 2, 16, 30)
    assert lead["attributes"]["First Name"] == "Łukasz"


def test_salesforce_api_export(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    path = write_export(tmp_path / "lead.csv", SALESFORCE_API_HEADER, SALESFORCE_API, "cp1252")
    services.import_leads(engine, agreement, path, source_format="salesforce", encoding="cp1252")
    lead = stored_leads()["00Q5e00000XyZ01"]
    assert (lead["lead_type"], lead["owner"]) == ("internet_sales_ready", "0055e000001AbC")
    assert lead["first_touch_us"] == us(2020, 3, 2, 15, 30)
    assert lead["attributes"]["FIRSTNAME"] == "José"
    assert lead["attributes"]["LASTNAME"] == "Müller"
    assert lead["attributes"]["ISCONVERTED"] == "false"


def test_reimporting_an_export_changes_nothing(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    path = write_export(tmp_path / "c.csv", HUBSPOT_CONTACTS_HEADER, HUBSPOT_CONTACTS, "cp1250")
    first = services.import_leads(engine, agreement, path, source_format="hubspot")
    before = stored_leads()
    second = services.import_leads(engine, agreement, path, source_format="hubspot")
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert second.sha256 == first.sha256
    assert stored_leads() == before
    changed = [list(r) for r in HUBSPOT_CONTACTS]
    changed[1][4] = "Marketing Qualified Lead"
    changed[1][8] = "2020-03-02 11:05"
    path.write_bytes(export_text(HUBSPOT_CONTACTS_HEADER, changed).encode("cp1250"))
    third = services.import_leads(engine, agreement, path, source_format="hubspot")
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 2)
    assert stored_leads()["102"]["stage"] == "late"


def bad_rows() -> list[list[str]]:
    rows = [list(r) for r in HUBSPOT_CONTACTS]
    rows[0][12] = "Kielce\nul. Świętokrzyska 1"  # a quoted line break: rows below shift a line
    rows[1][6] = "CARRIER_PIGEON"
    rows[2][8] = "3/40/2020 10:00 AM"
    rows.append(["101", "Ann", "Again", "", "Lead", "", "Referrals", "2020-03-04 09:00",
                 "", "", "", "", ""])  # fmt: skip
    rows.append(["105", "No", "Time", "", "Opportunity", "", "Referrals", "", "", "", "", "",
                 ""])  # fmt: skip
    return rows


def test_problems_name_the_export_row_column_and_value(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    path = write_export(tmp_path / "contacts.csv", HUBSPOT_CONTACTS_HEADER, bad_rows())
    with pytest.raises(InputError) as caught:
        services.import_leads(engine, agreement, path, source_format="hubspot")
    source = str(path)
    assert caught.value.problems == [
        f'{source} row 4, column Original Source: "CARRIER_PIGEON" is not a value the HubSpot '
        "format maps to a lead_type (it maps REFERRALS, ORGANIC_SEARCH, SOCIAL_MEDIA, Organic "
        "Social, EMAIL_MARKETING, PAID_SEARCH, PAID_SOCIAL, DIRECT_TRAFFIC, ...); add it under "
        "leads.lead_type.values in a mapping file",
        f'{source} row 5, column Owner Assigned Date: "3/40/2020 10:00 AM" is not a valid date '
        "or time (read as month/day/year; set dates.day_first: true in a mapping file if not)",
        f'{source} row 6, column Record ID: "101" is on row 2 too; list a lead once',
        f"{source} row 7, column Create Date: is empty; write when the lead was created",
        f"{source} row 7, column Owner Assigned Date: is empty, but the follow-up SLA covers this "
        "lead and its clock starts at the notification; write when the rep was notified",
    ]
    assert stored_leads() == {}


def test_skip_invalid_writes_the_export_rows(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_leads: Stored
) -> None:
    path = write_export(tmp_path / "contacts.csv", HUBSPOT_CONTACTS_HEADER, bad_rows(), "cp1250")
    report = services.import_leads(
        engine, agreement, path, source_format="hubspot", skip_invalid=True
    )
    assert (report.rows, report.inserted, report.rejected) == (5, 1, 4)
    assert set(stored_leads()) == {"101"}
    assert stored_leads()["101"]["attributes"]["City"] == "Kielce\nul. Świętokrzyska 1"
    assert report.rejects_path == tmp_path / "contacts.rejects.csv"
    with report.rejects_path.open(encoding="utf-8", newline="") as fp:
        rejects = list(csv.reader(fp))
    assert rejects[0] == [*HUBSPOT_CONTACTS_HEADER, "error"]
    assert rejects[1][:-1] == bad_rows()[1]  # the export's own row, to fix and import again
    assert '"CARRIER_PIGEON" is not a value' in rejects[1][-1]
    assert [row[0] for row in rejects[1:]] == ["102", "103", "101", "105"]


def test_duplicates_across_chunks(agreement: Agreement) -> None:
    rows = [[str(i), *HUBSPOT_CONTACTS[0][1:]] for i in range(1, 400)] + [
        ["7", *HUBSPOT_CONTACTS[0][1:]]
    ]
    reader = ExportLeadReader(
        io.BytesIO(export_text(HUBSPOT_CONTACTS_HEADER, rows).encode("cp1250")),
        source="c.csv",
        agreement=agreement,
        fmt=export_format("hubspot"),
        block_bytes=4096,
    )
    chunks = list(reader.chunks())
    assert len(chunks) > 3 and reader.rows_read == 400
    [problem] = [p for chunk in chunks for row in chunk.rejected for p in row.problems]
    assert (
        problem == 'c.csv row 401, column Record ID: "7" is on an earlier row too; list a lead once'
    )
    assert reader.estimated_rows() == 400


def test_a_header_without_the_needed_columns(engine: Engine, agreement: Agreement) -> None:
    data = io.BytesIO(b"Email,First Name\r\na@x.example,Ann\r\n")
    with pytest.raises(InputError) as caught:
        services.import_leads(engine, agreement, data, source_format="hubspot")
    assert str(caught.value).startswith("the lead file: the header is not usable")
    assert caught.value.problems == [
        "no column gives lead_id; the HubSpot format looks for Record ID, Contact ID, "
        "hs_object_id, vid",
        "no column gives created_at; the HubSpot format looks for Create Date, createdate",
    ]


def test_a_forced_wrong_encoding_is_reported(engine: Engine, agreement: Agreement) -> None:
    raw = export_text(HUBSPOT_CONTACTS_HEADER, HUBSPOT_CONTACTS).encode("cp1250")
    with pytest.raises(InputError, match="the lead file is not utf-8-sig text"):
        services.import_leads(
            engine, agreement, io.BytesIO(raw), source_format="hubspot", encoding="utf-8"
        )
