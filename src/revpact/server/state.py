"""What a running server holds: the store, the agreement file, the settings and a clock.

Routes read the time only through :meth:`ServerState.now` (its :class:`Clock`; tests pass a
:class:`~revpact.services.clock.FixedClock`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.errors import RevpactError
from revpact.server.settings import Settings
from revpact.services.agreement_source import load_agreement
from revpact.services.clock import SYSTEM_CLOCK, Clock

__all__ = ["ServerState"]


@dataclass
class ServerState:
    """Shared by every request. The agreement is read again when its file changes on disk, so
    an amended agreement takes effect without a restart (a bad edit keeps the last good one
    in force and is reported by ``revpact validate``; it is not read again until the file
    changes once more)."""

    engine: Engine
    agreement_path: Path
    settings: Settings
    clock: Clock = SYSTEM_CLOCK
    _agreement: Agreement | None = field(default=None, init=False)
    _stamp: tuple[int, int] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def now(self) -> datetime:
        """The current moment, from the state's clock."""
        return self.clock.now()

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
                    self._stamp = stamp  # a bad edit is read once, not by every request
            return self._agreement
