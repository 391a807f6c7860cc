"""Implementing units: who carried a document out, from a meeting's organiser and province.

A unit is a province, or a named body that implements documents on its own
account (Đảng ủy Quân sự tỉnh, Bộ Chỉ huy Quân sự tỉnh, Bộ đội Biên phòng,
Huyện ủy Chư Păh, a ministry). The province's own leadership (Tỉnh ủy, its
standing board and departments, UBND, HĐND) is the province itself, and so is
a central body seen at a province's bridge point of a national conference.
Bodies named with a generic "tỉnh" get the province's name, so reports that
write "Đảng ủy Quân sự tỉnh" and "Đảng ủy Quân sự tỉnh Điện Biên" agree.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import gazetteer
from ..text import fold, match_form, normalise

# Folded heads of the province's own leadership: the unit is the province.
_PROVINCE_LEADERSHIP = re.compile(
    r"^(ban chap hanh dang bo|ban thuong vu|thuong truc|ban tuyen giao|ban dan van|ban to chuc|ban noi chinh"
    r"|uy ban kiem tra|bch dang bo|btv|tvtu|tinh uy|thanh uy|ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan"
    r"|tinh|thanh pho|lanh dao tinh)\b|^(ban )?(tvtu|btv|ttu|tv tinh uy)$")
_PROVINCE_ORGAN = re.compile(r"\b(tinh uy|thanh uy|tu|tvtu|tinh|thanh pho)$")
_CENTRAL = re.compile(r"^(chinh phu|thu tuong|bo chinh tri|ban bi thu|ban chap hanh trung uong|trung uong"
                      r"|quoc hoi|quan uy trung uong|bo (?!chi huy|tu lenh|doi)[a-z]|ban [a-z ]+ trung uong)")
# Provincial bodies that articles often name without their province.
_PROVINCIAL_BODY = re.compile(r"^(dang uy quan su|bo chi huy quan su|bchqs|dang uy bo doi bien phong"
                              r"|bo chi huy bo doi bien phong|bdbp|dang uy bdbp|cong an|dang uy cong an)\b")
_TRAILING_PLACE = re.compile(r"\s*\b(?:tỉnh|thành phố|TP\.?)\s*$", re.I)
_CITIES = gazetteer.CENTRAL_CITIES - {"Thừa Thiên Huế"}


def _strip_province(name: str, province: str) -> str | None:
    """``name`` without a trailing mention of ``province`` (any spelling), or None if it has none."""
    words = name.split()
    for k in range(min(6, len(words) - 1), 0, -1):
        if gazetteer.canonical(" ".join(words[-k:])) == province:
            return _TRAILING_PLACE.sub("", " ".join(words[:-k]))
    return None


def _with_province(head: str, province: str) -> str:
    return f"{head} {'thành phố' if province in _CITIES else 'tỉnh'} {province}"


@lru_cache(maxsize=1 << 16)
def unit_of(organizer: str | None, province: str | None) -> str:
    """The implementing unit of a meeting: the province's name, a body's normalised name, or ''
    when neither the organiser nor the place is known."""
    province = province or ""
    if not organizer:
        return province
    name = " ".join(match_form(normalise(organizer)).split())
    name = re.split(r"\s+(?:và|phối hợp với|cùng)\s+", name)[0].strip(" ,;")
    name = name[:1].upper() + name[1:]
    f = fold(name)
    if province and (_PROVINCE_LEADERSHIP.match(f) and (_PROVINCE_ORGAN.search(f) or " " not in f)
                     or _PROVINCE_LEADERSHIP.match(f) and _strip_province(name, province) is not None
                     or f in ("ubnd", "hdnd", "tinh uy", "thanh uy", "uy ban nhan dan tinh")
                     or _CENTRAL.match(f)):
        return province
    if province:
        head = _strip_province(name, province)
        if head is not None:
            return _with_province(head, province)
        if _TRAILING_PLACE.search(name):
            return _with_province(_TRAILING_PLACE.sub("", name), province)
        if _PROVINCIAL_BODY.match(f):
            return _with_province(name, province)
    return name
