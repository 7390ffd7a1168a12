"""Reading an export's bytes as text: UTF-8 (a BOM is fine), Windows-1250 or Windows-1252.

``auto`` reads the file as UTF-8 when every byte of it is valid UTF-8. Otherwise it is one of
the two Windows code pages Excel and CRM report exports write in Europe and the Americas, and
:func:`detect_encoding` picks the one under which the file's non-ASCII bytes read as letters
of the languages they serve: Polish and other Central European letters (ą ć ę ł ń ś ź ż ...)
for Windows-1250, Western European ones (à é ñ ß ü ...) for Windows-1252; letters both code
pages share (é, ó, ü) count for neither, ñ / ń (one byte) count by whether a vowel follows,
and symbols glued to a word (``£ukasz``, ``Micha³``) count against.
A tie goes to Windows-1252. ``--encoding`` overrides the guess.

The file object is wrapped so that the SHA-256 of its bytes and how many were read are known
while it is decoded: the import records the digest of the file as given.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import tempfile
from typing import IO, Final

from revpact.errors import InputError

__all__ = ["ENCODINGS", "HashingReader", "detect_encoding", "open_text"]

ENCODINGS: Final = ("auto", "utf-8", "cp1250", "cp1252")
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")
_VOWELS: Final = frozenset("aeiouy")
_BLOCK: Final = 1 << 20
_SAMPLE: Final = 8 << 20
_CENTRAL: Final = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻčďěňřšťůžČĎĚŇŘŠŤŮŽőűŐŰ")
_WESTERN: Final = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ")


class HashingReader(io.RawIOBase):
    """A binary file object's bytes, read through: ``sha256`` and ``bytes_read`` follow."""

    def __init__(self, fp: IO[bytes]) -> None:
        self._fp = fp
        self._hash = hashlib.sha256()
        self.bytes_read = 0

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._fp.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._hash.update(data)
        self.bytes_read += n
        return n


def detect_encoding(fp: IO[bytes]) -> str:
    """``utf-8-sig``, ``cp1250`` or ``cp1252`` for a seekable binary file; reads it from its
    current position and goes back there."""
    start = fp.tell()
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while block := fp.read(_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    finally:
        fp.seek(start)
    sample = fp.read(_SAMPLE)
    fp.seek(start)
    scores = {name: _score(sample, name) for name in ("cp1250", "cp1252")}
    return "cp1250" if scores["cp1250"] > scores["cp1252"] else "cp1252"


def _score(sample: bytes, encoding: str) -> float:
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 1:  # a byte the code page does not define
            return float("-inf")
        text = sample[: exc.start].decode(encoding)
    favoured = _CENTRAL if encoding == "cp1250" else _WESTERN
    other = _WESTERN if encoding == "cp1250" else _CENTRAL
    score = 0.0
    for found in _NON_ASCII.finditer(text):
        i, ch = found.start(), found.group()
        if ch in "ńñ":  # one byte, F1: Spanish ñ comes before a vowel, Polish ń rarely does
            before_vowel = text[i + 1 : i + 2].lower() in _VOWELS
            score += 1 if before_vowel == (ch == "ñ") else 0
        elif ch in favoured and ch not in other:
            score += 1
        elif not ch.isalpha() and _touches_letter(text, i):
            score -= 2
    return score


def _touches_letter(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalpha() or after.isalpha()


def open_text(
    fp: IO[bytes] | IO[str], encoding: str, source: str
) -> tuple[IO[str], HashingReader | None, str]:
    """The file as text, the reader that hashes its bytes (none for a text file object) and
    the encoding used (``auto`` resolved)."""
    if encoding not in ENCODINGS:
        raise InputError(f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
    probe = fp.read(0)
    if isinstance(probe, str):
        return fp, None, "text"  # type: ignore[return-value]
    binary: IO[bytes] = fp  # type: ignore[assignment]
    if not _seekable(binary):
        binary = _spooled(binary)
    head = binary.read(2)
    binary.seek(-len(head), os.SEEK_CUR)
    if head in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{source} is UTF-16 text; save it as UTF-8 CSV (or Windows-1250/1252)")
    chosen = detect_encoding(binary) if encoding == "auto" else encoding
    if chosen == "utf-8":
        chosen = "utf-8-sig"
    hashing = HashingReader(binary)
    buffered = io.BufferedReader(hashing, buffer_size=_BLOCK)
    return io.TextIOWrapper(buffered, encoding=chosen, newline=""), hashing, chosen


def _seekable(fp: IO[bytes]) -> bool:
    try:
        return fp.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def _spooled(fp: IO[bytes]) -> IO[bytes]:
    """A copy of a file that cannot be read twice, to detect its encoding and then read it."""
    copy = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - handed on
    while block := fp.read(_BLOCK):
        copy.write(block)
    copy.seek(0)
    return copy
