"""What a running server holds: the store, the agreement file, the settings and a clock."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.errors import RevpactError
from revpact.ingest.agreement_file import load_agreement
from revpact.server.settings import Settings

__all__ = ["ServerState", "system_now"]


def system_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServerState:
    """Shared by every request. The agreement is read again when its file changes on disk, so
    an amended agreement takes effect without a restart (a bad edit keeps the last good one
    in force and is reported by ``revpact validate``)."""

    engine: Engine
    agreement_path: Path
    settings: Settings
    now: Callable[[], datetime] = system_now
    _agreement: Agreement | None = field(default=None, init=False)
    _stamp: tuple[int, int] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def agreement(self) -> Agreement:
        with self._lock:
            try:
                stat = os.stat(self.agreement_path)
                stamp = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                stamp = None
            if self._agreement is None or (stamp is not None and stamp != self._stamp):
                try:
                    self._agreement = load_agreement(self.agreement_path)
                    self._stamp = stamp
                except RevpactError:
                    if self._agreement is None:
                        raise
            return self._agreement
