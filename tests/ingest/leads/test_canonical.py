"""The canonical lead file: header checks, chunked reading, and row problems that name the
file, the row (its line), the column and the value."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import numpy as np
import pytest

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import NO_TIME
from revpact.errors import InputError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS, LeadChunk, LeadReader, parse_flag

HEADER = ",".join(CANONICAL_COLUMNS)
GOOD = "L1,content,late,true,2020-03-02T09:00:00-05:00,2020-03-02T10:00:00-05:00,,ana"


def read(
    text: str | bytes, agreement: Agreement, *, block_bytes: int | None = None
) -> tuple[LeadReader, list[LeadChunk]]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    reader = LeadReader(
        io.BytesIO(raw), source="leads.csv", agreement=agreement, block_bytes=block_bytes
    )
    return reader, list(reader.chunks())


def problems(chunks: list[LeadChunk]) -> list[str]:
    return [p for chunk in chunks for row in chunk.rejected for p in row.problems]


def ids(chunks: list[LeadChunk]) -> list[str]:
    return [i for chunk in chunks for i in chunk.leads.lead_id]


def test_a_good_row(agreement: Agreement) -> None:
    reader, chunks = read(f"{HEADER}\n{GOOD}\n", agreement)
    [chunk] = chunks
    leads = chunk.leads
    assert leads.lead_id == ["L1"] and leads.owner == ["ana"] and leads.stage == ["late"]
    assert leads.requested_follow_up.tolist() == [True]
    assert leads.applies.tolist() == [True]
    assert leads.notified_us.tolist() == [to_us(datetime(2020, 3, 2, 15, tzinfo=UTC))]
    assert leads.first_touch_us.tolist() == [NO_TIME]
    assert leads.attributes is None
    assert reader.rows_read == 1 and len(reader.sha256) == 64


def test_columns_in_any_order_and_extra_ones_kept_as_attributes(agreement: Agreement) -> None:
    text = (
        "owner,region,lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,"
        "first_touch_at,score\n"
        "ana,emea,L1,content,late,yes,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,7\n"
    )
    reader, [chunk] = read(text, agreement)
    assert reader.extra == ("region", "score")
    assert chunk.leads.attributes is not None
    assert json.loads(chunk.leads.attributes[0]) == {"region": "emea", "score": "7"}
    assert chunk.leads.owner == ["ana"]


def test_header_missing_columns_are_named(agreement: Agreement) -> None:
    with pytest.raises(InputError) as caught:
        read("lead_id,lead_type,stage,created_at,first_touch_at\n", agreement)
    message = str(caught.value)
    assert "leads.csv: the header is not usable" in message
    assert "lacks the columns requested_follow_up, notified_at, owner" in message


def test_a_repeated_or_unnamed_header_column(agreement: Agreement) -> None:
    with pytest.raises(InputError, match="names owner more than once"):
        read(HEADER + ",owner\n", agreement)
    with pytest.raises(InputError, match="column 9 of the header has no name"):
        read(HEADER + ",\n", agreement)


def test_an_empty_file(agreement: Agreement) -> None:
    with pytest.raises(InputError, match=r"leads\.csv has no header"):
        read("", agreement)


def test_a_column_the_agreement_decides_by_must_be_in_the_file(agreement: Agreement) -> None:
    text = company_a_template("en").replace(
        "applies_to: {requested_follow_up: true}",
        "applies_to: {requested_follow_up: true, region: [emea]}",
    )
    regional = parse_agreement(text)
    with pytest.raises(InputError, match='decides by "region", a column the file lacks'):
        read(HEADER + "\n", regional)


def test_row_problems_name_file_row_column_and_value(agreement: Agreement) -> None:
    rows = [
        GOOD,
        "L2,content,late,true,2020-03-02T09:00:00Z,2020-13-01 10:00,,ana",
        "L3,seminar,late,maybe,,2020-03-02T10:00:00Z,tomorrow,ben",
        ",content,late,true,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,ana",
        "L5,content,late,true,2020-03-02T09:00:00Z,,,ana",
        "L6,webinar,late,true,2020-03-02T09:00:00Z,,,ana",  # excluded: no notification needed
        "L1,content,late,true,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,ana",
    ]
    _, chunks = read(HEADER + "\n" + "\n".join(rows) + "\n", agreement)
    allowed = "content, internet_sales_ready, referral, webinar"
    assert problems(chunks) == [
        'leads.csv row 3, column notified_at: "2020-13-01 10:00" is not an ISO 8601 timestamp; '
        "write e.g. 2020-03-02T10:15:00-05:00",
        f'leads.csv row 4, column lead_type: "seminar" is not a lead type; write one of {allowed}',
        'leads.csv row 4, column requested_follow_up: "maybe" is not a yes/no value; '
        "write true or false",
        "leads.csv row 4, column created_at: is empty; write when the lead was created",
        'leads.csv row 4, column first_touch_at: "tomorrow" is not an ISO 8601 timestamp; '
        "write e.g. 2020-03-02T10:15:00-05:00",
        "leads.csv row 5, column lead_id: is empty; every lead needs an id",
        "leads.csv row 6, column notified_at: is empty, but the follow-up SLA covers this lead "
        "and its clock starts at the notification; write when the rep was notified",
        'leads.csv row 8, column lead_id: "L1" is on row 2 too; list a lead once',
    ]
    assert ids(chunks) == ["L1", "L6"]
    rejected = [row for chunk in chunks for row in chunk.rejected]
    assert [row.line for row in rejected] == [3, 4, 5, 6, 8]
    assert rejected[0].fields[0] == "L2" and len(rejected[0].fields) == len(CANONICAL_COLUMNS)


def test_duplicates_across_chunks(agreement: Agreement) -> None:
    rows = [GOOD.replace("L1", f"L{i}") for i in range(200)] + [GOOD.replace("L1", "L7")]
    reader, chunks = read(HEADER + "\n" + "\n".join(rows) + "\n", agreement, block_bytes=1024)
    assert len(chunks) > 5
    assert problems(chunks) == [
        'leads.csv row 202, column lead_id: "L7" is on an earlier row too; list a lead once'
    ]
    assert reader.rows_read == 201


def test_quoted_fields_and_line_numbers(agreement: Agreement) -> None:
    text = (
        f"{HEADER},note\n"
        f'{GOOD},"two\nlines"\n'
        f'"L2",content,late,true,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,"Smith, Ana",x\n'
        "L3,content,late,true,2020-03-02T09:00:00Z,bad,,ana,y\n"
    )
    _, chunks = read(text, agreement)
    assert ids(chunks) == ["L1", "L2"]
    assert [o for c in chunks for o in c.leads.owner] == ["ana", "Smith, Ana"]
    assert problems(chunks) == [
        'leads.csv row 5, column notified_at: "bad" is not an ISO 8601 timestamp; '
        "write e.g. 2020-03-02T10:15:00-05:00"
    ]


def test_rows_with_the_wrong_number_of_fields(agreement: Agreement) -> None:
    text = f"{HEADER}\n{GOOD}\nL2,content,late\n\n{GOOD.replace('L1', 'L3')},extra\n"
    reader, chunks = read(text, agreement)
    assert problems(chunks) == [
        "leads.csv row 3: has 3 fields, the header has 8",
        "leads.csv row 5: has 9 fields, the header has 8",
    ]
    assert ids(chunks) == ["L1"]
    assert reader.rows_read == 3


def test_crlf_bom_and_no_final_line_break(agreement: Agreement) -> None:
    raw = ("\ufeff" + HEADER + "\r\n" + GOOD + "\r\n" + GOOD.replace("L1", "L2")).encode()
    _, chunks = read(raw, agreement)
    assert ids(chunks) == ["L1", "L2"]
    assert [o for c in chunks for o in c.leads.owner] == ["ana", "ana"]


def test_a_text_file_object_works_too(agreement: Agreement) -> None:
    reader = LeadReader(io.StringIO(f"{HEADER}\n{GOOD}\n"), source="s", agreement=agreement)
    assert [i for chunk in reader.chunks() for i in chunk.leads.lead_id] == ["L1"]


def test_not_utf8(agreement: Agreement) -> None:
    with pytest.raises(InputError, match=r"leads.csv is not UTF-8 text \(byte 3\)"):
        read(b"lea\xffd_id\n", agreement)


def test_chunks_split_anywhere_give_the_same_leads(agreement: Agreement) -> None:
    rows = [
        f'L{i},content,"late",{"true" if i % 3 else "no"},2020-03-02T09:00:00Z,'
        f"2020-03-02T10:{i % 60:02d}:00Z,,rep{i % 4}"
        for i in range(300)
    ]
    text = HEADER + "\n" + "\n".join(rows) + "\n"
    _, whole = read(text, agreement)
    _, pieces = read(text, agreement, block_bytes=777)
    assert ids(whole) == ids(pieces) == [f"L{i}" for i in range(300)]
    joined = np.concatenate([c.leads.applies for c in pieces])
    assert joined.tolist() == whole[0].leads.applies.tolist()


def test_applies_follows_the_agreement(agreement: Agreement) -> None:
    rows = [
        "A,content,late,true,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,",
        "B,webinar,late,true,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,",
        "C,content,early,true,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,",
        "D,content,late,FALSE,2020-03-02T09:00:00Z,,,",
        "E,referral,late,1,2020-03-02T09:00:00Z,2020-03-02T10:00:00Z,,",
    ]
    _, [chunk] = read(HEADER + "\n" + "\n".join(rows) + "\n", agreement)
    assert chunk.leads.applies.tolist() == [True, False, False, False, True]
    assert chunk.leads.owner == ["", "", "", "", ""]


@pytest.mark.parametrize(
    ("text", "flag"),
    [("true", True), ("YES", True), ("1", True), (" No ", False), ("0", False), ("maybe", None)],
)
def test_flags(text: str, flag: bool | None) -> None:
    assert parse_flag(text) is flag
