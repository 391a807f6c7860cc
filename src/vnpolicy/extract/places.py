"""Province of the reported event: meeting place, then organiser, then the page's site."""
from __future__ import annotations

from ..record import Record


def assign_province(rec: Record, m: str, source: str | None) -> None:
    return None
