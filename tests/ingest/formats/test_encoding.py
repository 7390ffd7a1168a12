"""Telling UTF-8, Windows-1250 and Windows-1252 exports apart."""

from __future__ import annotations

import io

import pytest

from revpact.errors import InputError
from revpact.ingest.formats.encoding import detect_encoding, open_text

POLISH = "Record ID,Name,City\r\n1,Łukasz Żółć,Świętokrzyska\r\n2,Michał Gdańsk,Łódź\r\n"
WESTERN = "Record ID,Name,City\r\n1,José Müller,São Paulo\r\n2,François Señor,Zürich\r\n"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (POLISH, "utf-8", "utf-8-sig"),
        (POLISH, "utf-8-sig", "utf-8-sig"),
        (WESTERN, "utf-8-sig", "utf-8-sig"),
        (POLISH, "cp1250", "cp1250"),
        (WESTERN, "cp1252", "cp1252"),
        ("Name\r\nŚwiętokrzyska\r\n", "cp1250", "cp1250"),  # ś and ę alone read as letters in both
        ("Name\r\nGdańsk\r\n", "cp1250", "cp1250"),
        ("Name\r\nEspaña\r\n", "cp1252", "cp1252"),
    ],
)
def test_detect(text: str, encoding: str, expected: str) -> None:
    data = io.BytesIO(b"x" + text.encode(encoding))
    data.read(1)
    assert detect_encoding(data) == expected
    assert data.tell() == 1  # back where it was


@pytest.mark.parametrize(("text", "encoding"), [(POLISH, "cp1250"), (WESTERN, "cp1252")])
def test_text_survives_intact(text: str, encoding: str) -> None:
    raw = text.encode(encoding)
    stream, hashing, chosen = open_text(io.BytesIO(raw), "auto", "f.csv")
    assert (chosen, stream.read()) == (encoding, text)
    assert hashing is not None and hashing.bytes_read == len(raw)


def test_a_forced_encoding_wins() -> None:
    raw = WESTERN.encode("cp1252")
    stream, _, chosen = open_text(io.BytesIO(raw), "cp1250", "f.csv")
    assert chosen == "cp1250" and "Señor" not in stream.read()


def test_utf16_and_unknown_encodings_are_refused() -> None:
    with pytest.raises(InputError, match=r"f\.csv is UTF-16"):
        open_text(io.BytesIO(POLISH.encode("utf-16")), "auto", "f.csv")
    with pytest.raises(InputError, match="unknown encoding 'latin9'"):
        open_text(io.BytesIO(b""), "latin9", "f.csv")
