"""Province of the reported event.

Order of evidence (ANNOTATION.md): a province's bridge point of a national
online conference ("tại điểm cầu tỉnh Gia Lai"); the meeting place of the lead
sentence ("tại Bộ Chỉ huy Quân sự tỉnh Sóc Trăng"); the organiser ("Tỉnh ủy Sóc
Trăng", "Huyện ủy Chư Păh" → Gia Lai); a province written elsewhere in the lead;
then the page itself — its site ("baosonla") or a "Theo baosonla.org.vn" line —
and, for a local meeting, the province the article names most. A province
reached only through a district, a site or the whole text is ``inferred``.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from .. import gazetteer
from ..record import Record, Span

_BRIDGE = re.compile(r"(?i)(?<!\d\s)(?<!các\s)(?<!những\s)điểm\s+cầu\s+(?:của\s+)?")
_AT = re.compile(r"(?i)\btại\s+")
_LOCAL = re.compile(r"(?i)\b(?:tỉnh|huyện|quận|thị\s+xã|thành\s+phố|tỉnh\s+ủy|huyện\s+ủy|thành\s+ủy|ubnd|hđnd|địa\s+phương)\b")
_SOURCE_LINE = re.compile(r"(?im)^\s*(?:theo|nguồn)\s*:?\s*(\S+\.(?:vn|com|net|org)\S*)")


class _Places:
    """Places with a province, looked up by window with a binary search (not a scan per lookup,
    which made a text with many windows and many places quadratic)."""

    def __init__(self, places: list) -> None:
        self.places = places
        self.by_start = sorted((p.start, i) for i, p in enumerate(places))
        self.starts = [s for s, _ in self.by_start]

    def first(self, a: int, b: int):
        """The earliest listed place starting in [a, b)."""
        lo, hi = bisect_left(self.starts, a), bisect_left(self.starts, b)
        return self.places[min(i for _, i in self.by_start[lo:hi])] if lo < hi else None


def assign_province(rec: Record, m: str, source: str | None, lead: tuple[int, int] | None = None) -> None:
    places = [p for p in gazetteer.find_places(m) if p.province]
    index = _Places(places)
    if lead is None and rec.events and rec.events[0].evidence:
        ev = rec.events[0].evidence
        lead = (ev.start, ev.end)
    found = None
    inferred = False
    for x in _BRIDGE.finditer(m):
        p = index.first(x.end(), x.end() + 40)
        if p:
            found = p
            break
    if found is None and lead:
        s, e = lead
        for x in _AT.finditer(m, s, e):
            clause_end = re.search(r"[,;.]|\s+(?:tổ\s+chức|diễn\s+ra)", m[x.end():e])
            stop = x.end() + (clause_end.start() if clause_end else 80)
            p = index.first(x.end(), stop)
            if p:
                found = p
                break
        if found is None:
            org = rec.events[0].organizer if rec.events else None
            if org:
                i = m.find(org, s, e) if m.find(org, s, e) >= 0 else -1
                if i >= 0:
                    found = index.first(i, i + len(org))
        if found is None:
            found = index.first(s, e)
    if found is not None:
        inferred = found.level != "province"
        rec.province, rec.province_evidence = found.province, Span(found.start, found.end)
        rec.province_inferred = inferred
        return
    site = _site_province(m, source)
    if site:
        rec.province, rec.province_inferred = site, True
        return
    local = lead is not None and _LOCAL.search(m, lead[0], lead[1])
    counts = Counter(p.province for p in places if p.level == "province")
    if local and counts:
        prov, n = counts.most_common(1)[0]
        p = next(x for x in places if x.province == prov)
        rec.province, rec.province_evidence, rec.province_inferred = prov, Span(p.start, p.end), True


def _site_province(m: str, source: str | None) -> str | None:
    if source:
        p = gazetteer.province_of_site(source)
        if p:
            return p
    for x in _SOURCE_LINE.finditer(m):
        p = gazetteer.province_of_site(x.group(1))
        if p:
            return p
    return None
