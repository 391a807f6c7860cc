"""Meetings an article reports, with kind, period, date, organiser and documents.

Kinds (ANNOTATION.md): ``quan_triet`` (dissemination: "quán triệt, triển
khai"), ``so_ket`` (mid-term review: "sơ kết N năm"), ``tong_ket`` (final review:
"tổng kết N năm"), ``giao_ban`` (periodic coordination meeting), ``dien_tap``
(exercise), ``danh_gia`` (other evaluation of results), ``khac`` (any other
meeting). The reported meeting is found in the lead sentence — the first that
names a meeting together with a date or an organiser; earlier meetings told as
background ("Ngay sau khi ... đã tổ chức hội nghị quán triệt") are not events.
One sentence may report two meetings ("Hội nghị sơ kết ... và Hội nghị giao
ban ...") or one meeting with two purposes: each becomes an event with its own
documents.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..record import Document, Event, Span
from .dates import PartialDate, day_mentions, resolve, years_mentioned
from .documents import Mention

_KINDS = [
    ("so_ket", r"sơ\s+kết"),
    ("tong_ket", r"tổng\s+kết"),
    ("giao_ban", r"giao\s+ban"),
    ("dien_tap", r"diễn\s+tập"),
    ("danh_gia", r"đánh\s+giá\s+(?:kết\s+quả|việc|tình\s+hình)(?:\s+\d+\s+(?:năm|tháng))?(?:\s+triển\s+khai)?\s+thực\s+hiện"),
    ("quan_triet", r"(?:học\s+tập,?\s+)?quán\s+triệt(?:,?\s+(?:và\s+)?triển\s+khai(?:\s+thực\s+hiện)?)?"
                   r"|(?:triển\s+khai|tuyên\s+truyền)(?:,?\s+(?:học\s+tập,?\s+)?quán\s+triệt)?(?=\s+(?:thực\s+hiện\s+)?(?:các\s+)?(?:[Nn]ghị|[Cc]hỉ|[Kk]ết|[Qq]uy|[Cc]hương|[Kk]ế|[Đđ]ề|[Ll]uật|NQ|nội\s+dung|văn\s+bản))"),
    ("khac", r"hội\s+thảo|tọa\s+đàm|toạ\s+đàm|phiên\s+họp"),
]
KIND_RE = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _KINDS), re.I)
_MEETING = re.compile(r"(?i)hội\s+nghị|hội\s+thảo|buổi\s+(?:họp|làm\s+việc)|cuộc\s+họp|lễ\s+|diễn\s+tập|tọa\s+đàm|giao\s+ban")
_HOLD = re.compile(r"(?i)(?<!được\s)tổ\s+chức(?!\s+(?:tham\s+dự|thực\s+hiện|quán\s+triệt|,|đảng|bộ\s+máy|cơ\s+sở))|diễn\s+ra|khai\s+mạc|chủ\s+trì")
_BACKGROUND = re.compile(
    r"(?i)^(?:\W*)(?:ngay\s+sau\s+khi|sau\s+khi|trước\s+đó|trước\s+đây|thời\s+gian\s+qua|những\s+năm\s+qua|qua\s+\d+\s+năm"
    r"|sau\s+\d+\s+năm|từ\s+năm|năm\s+\d{4}|theo\s+báo\s+cáo|trong\s+\d+\s+(?:năm|tháng))")
_NUMWORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
             "mười": 10, "mười lăm": 15, "hai mươi": 20, "ba mươi": 30}
_PERIOD = re.compile(r"(?i)(?<![\w])(\d{1,2}|mười\s+lăm|hai\s+mươi|ba\s+mươi|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(năm|tháng)(?![\w])(?!\s+\d)")


def sentences(m: str) -> list[tuple[int, int]]:
    """Sentence spans: split on newlines and on . ! ? followed by a space and a capital or digit."""
    out = []
    for line in re.finditer(r"[^\n]+", m):
        s = line.start()
        for x in re.finditer(r"[.!?…]+\s+(?=[A-ZĐÀ-Ỹ“\"(0-9])", line.group()):
            e = line.start() + x.end()
            if _abbrev_before(m, line.start() + x.start()):
                continue
            out.append((s, e))
            s = e
        if s < line.end():
            out.append((s, line.end()))
    return [(a, b) for a, b in out if m[a:b].strip()]


def _abbrev_before(m: str, dot: int) -> bool:
    w = m[max(0, dot - 4):dot]
    return bool(re.search(r"(?:\bTP|\bTT|\bGS|\bTS|\bPGS|\bThS|\bSt|\bNxb)$", w))


@dataclass
class _Seg:
    kind: str
    start: int
    end: int
    trig_end: int


def _segments(m: str, s: int, e: int, mentions: list[Mention]) -> list[_Seg]:
    """Kinds named in one sentence, each starting a meeting or a purpose of the meeting."""
    segs: list[_Seg] = []
    for x in KIND_RE.finditer(m, s, e):
        kind = x.lastgroup
        if segs:
            cur = segs[-1]
            before = m[max(s, x.start() - 40):x.start()]
            joined = re.search(r"(?:\bvà\b|;|,)\s*(?:(?:[Hh]ội\s+nghị|[Hh]ội\s+thảo|[Pp]hiên\s+họp)(?:\s+\S+){0,3}\s+)?$", before)
            if kind == cur.kind or not joined:
                continue
            if kind == "quan_triet" and x.start() - cur.trig_end < 40:
                continue  # "sơ kết 6 tháng triển khai Đề án ...": the review's complement
        segs.append(_Seg(kind, x.start(), e, x.end()))
    for a, b in zip(segs, segs[1:]):
        a.end = b.start
    return segs


class _Mentions(list):
    """The article's mentions in their own order, with a lookup by position that is a binary
    search, not a scan: one scan per sentence or segment made long texts quadratic."""

    def __init__(self, mentions: list[Mention]) -> None:
        super().__init__(mentions)
        self._by_start = sorted((x.start, i) for i, x in enumerate(mentions))
        self._starts = [st for st, _ in self._by_start]
        self.groups: dict[int, list[Mention]] = {}
        for x in mentions:
            self.groups.setdefault(x.group, []).append(x)

    def between(self, a: int, b: int) -> list[Mention]:
        """Mentions starting in [a, b), in the article's order."""
        lo, hi = bisect_left(self._starts, a), bisect_left(self._starts, b)
        return [self[i] for i in sorted(i for _, i in self._by_start[lo:hi])]


def _covered(spans: list[tuple[int, int]]):
    """A test "is this offset inside one of the spans", by binary search over their merged union."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        elif a < b:
            merged.append([a, b])
    starts = [a for a, _ in merged]

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < merged[i][1]
    return inside


def _period(m: str, seg: _Seg) -> str | None:
    if seg.kind not in ("so_ket", "tong_ket", "giao_ban", "danh_gia"):
        return None
    near = _PERIOD.match(m, seg.trig_end + 1) if seg.trig_end < len(m) else None
    x = near if near and m[seg.trig_end:near.start()].strip() == "" else None
    if x is None and seg.kind in ("giao_ban", "so_ket", "danh_gia"):
        for y in _PERIOD.finditer(m, seg.start, seg.end):
            tail = m[y.end():y.end() + 12]
            if y.group(2) == "tháng" and re.match(r"\s+(?:đầu|cuối)\s+năm", tail):
                x = y
                break
            if seg.kind != "giao_ban" and m[seg.trig_end:y.start()].strip() == "":
                x = y
                break
    if x is None:
        return None
    n = x.group(1).lower()
    n = int(n) if n.isdigit() else _NUMWORDS.get(re.sub(r"\s+", " ", n))
    if not n or n > 50:
        return None
    return f"{n} {x.group(2).lower()}"


_ORG_HEAD = re.compile(
    r"(?:Ban|Bộ|Đảng|Tỉnh|Thành|Huyện|Quận|Thị|UBND|HĐND|Ủy\s+ban|Hội|Liên|Thường\s+trực|Chính\s+phủ|Quân|Sở|Công\s+an"
    r"|Trường|Học\s+viện|Cục|Tổng|Viện|Văn\s+phòng|Mặt\s+trận|MTTQ|Đoàn|Lữ|Sư|Trung|Phòng|Hội\s+đồng|Cơ\s+quan|Tòa|Viện|Kiểm|Ngân|Tập|Công\s+ty|Khối|Đại|Binh|Hải|Cảnh|Bộ\s+đội|BCH|BTV|Ban\s+TV|Xã|Phường|Thị\s+trấn|Lực)")


_MAX_SENT = 1500


def _organizer(text: str, m: str, s: int, e: int) -> str | None:
    e = min(e, s + _MAX_SENT)
    sent = m[s:e]
    x = re.search(r"(?i)\bdo\s+(?P<org>[^,;:]{3,100}?)\s+(?:chủ\s+trì,?\s+)?(?:phối\s+hợp\s+)?tổ\s+chức", sent)
    if x:
        return _clean_org(text[s + x.start("org"):s + x.end("org")])
    for h in re.finditer(r"(?<!được\s)(?:đã\s+|vừa\s+|sẽ\s+)?tổ\s+chức(?!\s+(?:tham\s+dự|thực\s+hiện))", sent):
        a = max(sent.rfind(",", 0, h.start()), sent.rfind(";", 0, h.start()), sent.rfind(":", 0, h.start()))
        dash = max(sent.rfind(" - ", 0, h.start()), sent.rfind("-", 0, min(h.start(), 12)))
        a = max(a, dash, h.start() - 121)
        np = text[s + a + 1:s + h.start()]
        org = _clean_org(np)
        if org:
            return org
    x = re.search(r"(?i)(?:^|,\s*)(?:lãnh\s+đạo\s+)(?P<org>[^,;:]{3,80}?)\s+(?:đã\s+|vừa\s+)?(?:quán\s+triệt|triển\s+khai|sơ\s+kết|tổng\s+kết)", sent)
    if x:
        return _clean_org(text[s + x.start("org"):s + x.end("org")])
    return None


def _clean_org(np: str) -> str | None:
    np = re.sub(r"\s*\([^)]*\)", "", np)
    np = re.sub(r"(?i)\s+(?:vào|trong|chiều|sáng|tối|hôm)\b.*$", "", np)
    np = re.sub(r"^\W+", "", np).strip(" ,-–")
    np = re.sub(r"^(?:[A-ZĐ]{2,5}\s*-\s*)", "", np)
    np = re.sub(r"(?i)^(?:lãnh\s+đạo|đồng\s+chí|tại\s+\S+)\s+", "", np) if np.lower().startswith(("lãnh đạo", "đồng chí")) else np
    if not np or len(np.split()) > 12 or not _ORG_HEAD.match(np):
        return None
    if re.search(r"(?i)\bđồng\s+chí\b|\btại\b|\bngày\b", np):
        return None
    return np


def _lead(m: str, sents: list[tuple[int, int]], mentions: _Mentions) -> tuple[int, int] | None:
    """The sentence that reports the meeting."""
    strong, weak, docs_only = None, None, None
    for s, e in sents:
        sent = m[s:e]
        if not KIND_RE.search(sent) or _BACKGROUND.match(sent):
            continue
        if re.search(r"(?i)đã\s+tổ\s+chức\s+\d+\s+(?:hội\s+nghị|cuộc)", sent):
            continue
        has_day = bool(day_mentions(m, s, e))
        if _HOLD.search(sent) and (has_day or _MEETING.search(sent)) or (has_day and _MEETING.search(sent)):
            strong = (s, e)
            break
        if weak is None and _MEETING.search(sent):
            weak = (s, e)
        if docs_only is None and mentions.between(s, e) and re.search(r"(?i)quán\s+triệt|sơ\s+kết|tổng\s+kết", sent):
            docs_only = (s, e)
    return strong or weak or docs_only


def _review_clauses(m: str, period: str | None, mentions: _Mentions) -> list[Mention]:
    """'Qua 5 năm (triển khai) thực hiện Nghị quyết 24 và Kết luận 31 ...': documents under review."""
    if not period:
        return []
    n, unit = period.split()
    out = []
    rx = re.compile(rf"(?i)(?:qua|sau|trong)\s+0?{n}\s+{unit}\s+(?:triển\s+khai\s+)?(?:tổ\s+chức\s+)?thực\s+hiện\s+")
    for x in rx.finditer(m):
        near = mentions.between(x.end(), x.end() + 4)
        if near:
            out.extend(mentions.groups[near[0].group])
    return out


def _meeting_sentences(m: str, sents, kind: str, lead: tuple[int, int], mentions: _Mentions) -> list[Mention]:
    """'Hội nghị đã quán triệt ... Nghị quyết số 44-NQ/TW': documents of a meeting named without them."""
    verb = dict(_KINDS)[kind]
    rx = re.compile(rf"(?i)(?:hội\s+nghị|tại\s+hội\s+nghị)[^.;]{{0,60}}?(?:{verb})")
    out = []
    for s, e in sents:
        if (s, e) == lead or s < lead[0]:
            continue
        if rx.search(m, s, e):
            out.extend(mentions.between(s, e))
    return out


def extract_events(text: str, m: str, published: PartialDate | None, docs: list[Document],
                   mentions: list[Mention]) -> list[Event]:
    sents = sentences(m)
    mentions = _Mentions(mentions)
    lead = _lead(m, sents, mentions)
    if lead is None:
        return []
    s, e = lead
    segs = _segments(m, s, e, mentions)
    organizer = _organizer(text, m, s, e)
    cited = _covered([(x.start, x.extras.get("tail", x.end)) for x in mentions])
    days = [d for d in day_mentions(m, s, e) if not cited(d.start)]
    events: list[Event] = []
    doc_year = {d.key: int(d.key.rsplit("@", 1)[1]) for d in docs if "@" in d.key and d.key.rsplit("@", 1)[1].isdigit()}
    for d in docs:
        if d.key not in doc_year and d.symbol and re.match(r"^\d+/(\d{4})/", d.symbol):
            doc_year[d.key] = int(d.symbol.split("/")[1])
    years = None
    for i, seg in enumerate(segs):
        linked = mentions.between(seg.start, seg.end)
        if i > 0 and not linked:
            continue
        period = _period(m, seg)
        if not linked:
            linked = _meeting_sentences(m, sents, seg.kind, lead, mentions)
        if seg.kind in ("so_ket", "tong_ket"):
            linked = linked + _review_clauses(m, period, mentions)
        keys: list[str] = []
        for x in linked:
            if x.key and x.key not in keys:
                keys.append(x.key)
        date = None
        if days:
            fallback = None
            if period and period.endswith("năm") and keys and (published is None or not published.year):
                y0 = doc_year.get(keys[0])
                if y0:
                    years = years if years is not None else years_mentioned(m)
                    cand = y0 + int(period.split()[0])
                    fallback = cand if cand in years else None
            date = resolve(days[0], published, fallback)
        events.append(Event(kind=seg.kind, period=period, date=date, organizer=organizer, documents=keys,
                            evidence=Span(s, e)))
    return events
