"""Signed webhooks in (filled in by the webhooks work)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["webhooks"])
