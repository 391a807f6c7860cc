"""Dates: the article's own stamp and meeting dates resolved against it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartialDate:
    year: int | None
    month: int | None = None
    day: int | None = None

    @property
    def full(self) -> bool:
        return bool(self.year and self.month and self.day)

    @property
    def iso(self) -> str | None:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.full else None


def published_date(m: str, hint: str | None) -> PartialDate | None:
    return None
