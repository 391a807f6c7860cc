"""Awards handed out at a meeting: Bằng khen, Giấy khen ... with counts."""
from __future__ import annotations

from ..record import Award


def extract_awards(text: str, m: str) -> list[Award]:
    return []
