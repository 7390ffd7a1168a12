"""The dashboard tests reach ``test_services``' builders; the live server and its fixtures
(``live_server``, ``serve``, ``role_tokens``) come from ``tests/server/conftest.py``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services"))  # test_services
