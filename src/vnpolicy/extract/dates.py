"""Dates: the article's own stamp, and day/month phrases resolved against it.

Portal stamps come with a time ("20:37 21/03/2024", "16:46 - 19/10/2020",
"Cập nhật lúc 11:34, Thứ Năm, 10/12/2020"); a bare weekday date at the top of a
page ("Thứ ba, 30/11/2021") is usually the site's current-date header, not the
article's, and is not taken. "date 2023-08" gives year and month only: the
record's ``published`` stays null, but the year still completes "Ngày 24-8".
Impossible dates (31/02, 00/13) are rejected, never guessed.
"""
from __future__ import annotations

import datetime as dt
import re
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

    def as_date(self) -> dt.date | None:
        return dt.date(self.year, self.month, self.day) if self.full else None


def valid(y: int | None, mo: int, d: int) -> bool:
    try:
        dt.date(y or 2000, mo, d)  # 2000 is a leap year: 29/02 passes without a year
    except ValueError:
        return False
    return y is None or 1945 <= y <= 2100


_FULL_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_TIME = re.compile(r"(?<!\d)\d{1,2}\s*[:h]\s*\d{1,2}(?!\s*[/.-]\s*\d)")
_STAMP_WORD = re.compile(r"(?i)(?:cập nhật|đăng lúc|ngày đăng|xuất bản|posted|updated)")
_ISO_STAMP = re.compile(r"(?:^|\n)\s*date\s+(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_STAMP_ZONE = 600


def published_date(m: str, hint: str | None) -> PartialDate | None:
    """The article's own date: the reader's hint, else a stamp near the top."""
    if hint:
        try:
            d = dt.date.fromisoformat(hint[:10])
            return PartialDate(d.year, d.month, d.day)
        except ValueError:
            pass
    head = m[:_STAMP_ZONE]
    iso = _ISO_STAMP.search(head)
    if iso:
        y, mo = int(iso.group(1)), int(iso.group(2))
        d = int(iso.group(3)) if iso.group(3) else None
        if d and valid(y, mo, d):
            return PartialDate(y, mo, d)
        if 1 <= mo <= 12:
            return PartialDate(y, mo)
    for x in _FULL_DATE.finditer(head):
        line_start = head.rfind("\n", 0, x.start()) + 1
        line_end = head.find("\n", x.end())
        line_end = len(head) if line_end < 0 else line_end
        before = head[max(line_start, x.start() - 30):x.start()]
        after = head[x.end():min(line_end, x.end() + 30)]
        if _TIME.search(before) or _TIME.match(after.lstrip(" -|,(")) or _STAMP_WORD.search(before):
            d, mo, y = int(x.group(1)), int(x.group(2)), int(x.group(3))
            if valid(y, mo, d):
                return PartialDate(y, mo, d)
    for x in _DATE_WORDS.finditer(head):
        after = head[x.end():x.end() + 30]
        if _TIME.search(after):
            d, mo, y = int(x.group(1)), int(x.group(2)), int(x.group(3))
            if valid(y, mo, d):
                return PartialDate(y, mo, d)
    return None


# A day phrase that dates a meeting: "Sáng 04/7", "Ngày 24-8", "Chiều 4.8",
# "sáng ngày 16/7/2021", "Hôm nay (19/3)", "sáng nay (27/6/2022)", "ngày 3 tháng 1 năm 2020".
_PART = r"(?:[Ss]áng|[Cc]hiều|[Tt]rưa|[Tt]ối|[Đđ]êm)"
DAY_PHRASE = re.compile(
    rf"(?:(?:{_PART}\s+)?(?:[Nn]gày|[Hh]ôm)\s+|{_PART}\s+|(?:[Hh]ôm nay|{_PART} nay)\s*\(\s*)"
    rf"(?:(\d{{1,2}})\s+tháng\s+(\d{{1,2}})(?:\s+năm\s+(\d{{4}}))?"
    rf"|(\d{{1,2}})\s*([/.-])\s*(\d{{1,2}})(?:\s*[/.-]\s*(\d{{4}}))?)(?!\d)(?!\s*[/.-]\s*\d)"
)


@dataclass(frozen=True)
class DayMention:
    start: int
    end: int
    day: int
    month: int
    year: int | None


def day_mentions(m: str, start: int = 0, end: int | None = None) -> list[DayMention]:
    out = []
    for x in DAY_PHRASE.finditer(m, start, len(m) if end is None else end):
        if x.group(1):
            d, mo, y = int(x.group(1)), int(x.group(2)), x.group(3)
        else:
            d, mo, y = int(x.group(4)), int(x.group(6)), x.group(7)
        y = int(y) if y else None
        if valid(y, mo, d):
            out.append(DayMention(x.start(), x.end(), d, mo, y))
    return out


def resolve(dm: DayMention, published: PartialDate | None, fallback_year: int | None = None) -> str | None:
    """Complete a day/month with the publication year; a date after the stamp's month is last year's."""
    if dm.year:
        return PartialDate(dm.year, dm.month, dm.day).iso
    if published and published.year:
        y = published.year
        if published.month and dm.month > published.month + (0 if published.day else 0):
            if not (published.day and dm.month == published.month + 1 and dm.day <= 3):
                y -= 1
        return PartialDate(y, dm.month, dm.day).iso if valid(y, dm.month, dm.day) else None
    if fallback_year and valid(fallback_year, dm.month, dm.day):
        return PartialDate(fallback_year, dm.month, dm.day).iso
    return None




def parse_full_date(s: str) -> str | None:
    """First complete d/m/yyyy (or "ngày d tháng m năm yyyy") date in ``s``, as ISO."""
    x = _FULL_DATE.search(s) or _DATE_WORDS.search(s)
    if not x:
        return None
    d, mo, y = int(x.group(1)), int(x.group(2)), int(x.group(3))
    return PartialDate(y, mo, d).iso if valid(y, mo, d) else None


def years_mentioned(m: str) -> set[int]:
    return {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", m)}
