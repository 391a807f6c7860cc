"""People: named persons with military/police rank and each position as its own string."""
from __future__ import annotations

from ..record import Person


def extract_people(text: str, m: str) -> list[Person]:
    return []
