"""Opening what an import is given: a path, or a file object that may or may not have a name."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from revpact.errors import InputError

__all__ = ["PathOrFile", "opened"]

PathOrFile = str | os.PathLike[str] | IO[bytes] | IO[str]


@contextmanager
def opened(
    path_or_fp: PathOrFile, unnamed: str
) -> Iterator[tuple[IO[bytes] | IO[str], str, Path | None]]:
    """The file object, the name problems cite (``unnamed`` for an anonymous file object), and
    the file's path when it has one. A path is opened in binary and closed afterwards."""
    if isinstance(path_or_fp, str | os.PathLike):
        path = Path(path_or_fp)
        try:
            fp = path.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        with fp:
            yield fp, str(path_or_fp), path
        return
    name = getattr(path_or_fp, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        yield path_or_fp, name, Path(name)
    else:
        yield path_or_fp, unnamed, None
