"""Documents cited by an article, in every form real articles use.

A *mention* is one place the text names a document: a full citation
("Nghị quyết số 44-NQ/TW, ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng
khóa XIII về ..."), a bare symbol ("21/2019/NĐ-CP"), a type and number
("Nghị quyết số 29 của Bộ Chính trị", "NQ 44"), an item of a list ("các Nghị
quyết số 24, 29 và 33"), a plenum alias ("Nghị quyết Trung ương 8 (khóa XI)")
or a registry alias ("Đề án 06"). Mentions are resolved to a key (ANNOTATION.md:
``symbol@YEAR``; the symbol's year for state documents; ``TYPE NUMBER`` or the
name when there is no symbol) and merged: short back-references join the full
citation with the same type and number. The symbol wins over a contradicting
type word ("Nghị định số 28-NQ/TW" is a Nghị quyết).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import registry as registry_mod
from ..record import Document, Span
from .dates import PartialDate, parse_full_date

TYPE_WORDS = {
    "nghị quyết": "Nghị quyết", "chỉ thị": "Chỉ thị", "kết luận": "Kết luận", "quy định": "Quy định",
    "quyết định": "Quyết định", "nghị định": "Nghị định", "thông tư": "Thông tư", "luật": "Luật",
    "chương trình": "Chương trình", "kế hoạch": "Kế hoạch", "đề án": "Đề án", "chiến lược": "Chiến lược",
    "hướng dẫn": "Hướng dẫn", "thông báo": "Thông báo", "công điện": "Công điện",
    "nq": "Nghị quyết", "ct": "Chỉ thị", "kl": "Kết luận", "nđ": "Nghị định", "qđ": "Quyết định",
}
# Type codes inside a symbol (44-NQ/TW, 1719/QĐ-TTg).
CODE_TYPES = {
    "NQ": "Nghị quyết", "CT": "Chỉ thị", "KL": "Kết luận", "QĐ": "Quy định", "NĐ": "Nghị định",
    "TT": "Thông tư", "KH": "Kế hoạch", "CTR": "Chương trình", "ĐA": "Đề án", "HD": "Hướng dẫn",
    "TB": "Thông báo", "CĐ": "Công điện", "QC": "Quy chế", "L": "Luật", "TTLT": "Thông tư",
}
TYPE_CODES = {"Nghị quyết": "NQ", "Chỉ thị": "CT", "Kết luận": "KL", "Quy định": "QĐ",
              "Quyết định": "QĐ", "Kế hoạch": "KH", "Hướng dẫn": "HD", "Thông báo": "TB"}
PARTY_TYPES = {"Nghị quyết", "Chỉ thị", "Kết luận", "Quy định"}

_TYPE_RE = (r"(?:[Nn]ghị\s+quyết|[Cc]hỉ\s+thị|[Kk]ết\s+luận|[Qq]uy\s+định|[Qq]uyết\s+định|[Nn]ghị\s+định"
            r"|[Tt]hông\s+tư|Luật|[Cc]hương\s+trình(?:\s+hành\s+động)?|[Kk]ế\s+hoạch|[Đđ]ề\s+án|Chiến\s+lược"
            r"|[Hh]ướng\s+dẫn|[Tt]hông\s+báo|[Cc]ông\s+điện|NQ|CT|KL|NĐ|QĐ)")
_PARTY_SYM = r"\d{1,4}\s*-\s*[A-ZĐ][A-Za-zĐđ]{0,4}\s*/\s*[A-ZĐ][A-ZĐ0-9]{0,9}"
_STATE_SYM_Y = r"\d{1,5}\s*/\s*(?:19|20)\d\d\s*/\s*(?:[A-ZĐ]{1,6}(?:-[A-ZĐ][A-Za-zĐđ0-9]{0,9}){1,2}|QH\d{1,2})"
_STATE_SYM = r"\d{1,5}\s*/\s*[A-ZĐ]{1,6}(?:-[A-ZĐ][A-Za-zĐđ0-9]{0,9}){1,2}"
_NUM_YEAR = r"\d{1,5}\s*/\s*(?:19|20)\d\d(?![\d/])"
_SYMBOL = rf"(?:{_STATE_SYM_Y}|{_PARTY_SYM}|{_STATE_SYM})"
_NUMBER = rf"(?:{_SYMBOL}|{_NUM_YEAR}|\d{{1,5}}(?![\d/.,]\d))"

# "Nghị quyết số 44-NQ/TW", "NQ 44", "Nghị định 77/2010", and list continuations.
TYPED = re.compile(rf"(?<![\w/])(?P<type>{_TYPE_RE})\s+(?:(?:của\s+\S+\s+)?số\s*:?\s*)?(?P<num>{_NUMBER})(?![\w/-])")
BARE_SYMBOL = re.compile(rf"(?<![\w/-])(?P<num>{_SYMBOL})(?![\w/-])")
LIST_NEXT = re.compile(rf"\s*(?:,|;|và|,\s*và|cùng)\s+(?:(?:các\s+)?(?P<type>{_TYPE_RE})\s+)?(?:số\s*)?(?P<num>{_NUMBER})(?![\w/-])")
PLENUM = re.compile(
    r"(?:[Nn]ghị\s+quyết|NQ)\s+(?:Hội\s+nghị\s+)?(?:lần\s+thứ\s+)?(?:[Tt]rung\s+ương|TW|TƯ|T\.Ư)\s*(?:lần\s+thứ\s+)?"
    r"(?P<plenum>\d{1,2})\s*(?:,\s*|\(\s*|-\s*)?(?:[Kk]hóa|[Kk]hoá)\s+(?P<term>[XVIL]+)\s*\)?")
NAMED = re.compile(r"(?<![\w])(?P<type>Đề án|Chương trình|Kế hoạch|Luật)\s+(?:“|\")(?P<name>[^”\"\n]{3,120})(?:”|\")")
NAMED_LAW = re.compile(r"(?<![\w])Luật\s+(?P<name>(?:[A-ZĐÂ][\wđ]*)(?:\s+[\wđ]+){0,5}?)\s+(?:năm\s+)?(?P<year>(?:19|20)\d\d)(?!\d)")

_ISSUED = re.compile(r"\s*,?\s*(?:ban\s+hành\s+)?ngày\s+(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
_YEAR_WORD = re.compile(r"\s*(?:,\s*)?năm\s+((?:19|20)\d\d)(?!\d)")
_TERM = re.compile(r"\s*,?\s*\(?\s*(?:[Kk]hóa|[Kk]hoá)\s+([XVIL]+)\s*\)?")
_ISSUER = re.compile(
    r"\s*,?\s*của\s+(?P<issuer>(?:Ban\s+Chấp\s+hành|BCH|Ban\s+Thường\s+vụ|BTV|Ban\s+TVTU|Thường\s+trực|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư"
    r"|Trung\s+ương|TW|Chính\s+phủ|Thủ\s+tướng|Quốc\s+hội|Ủy\s+ban|UBND|HĐND|Hội\s+đồng|Quân\s+ủy|Đảng\s+ủy|Tỉnh\s+ủy|Thành\s+ủy"
    r"|Huyện\s+ủy|Bộ\s+[A-ZĐ]|Ban\s+[A-ZĐ]|Tổng\s+cục|Hội\s+[A-ZĐ])[^,;.()“”\"\n]{0,80}?)"
    r"(?=\s*(?:\(|,|;|\.|“|\"|\bvề\b|\bvà\b|\bthực\s+hiện\b|\bngày\b|\bkhóa\b|\bkhoá\b|\btrong\b|\bnhằm\b|\bđã\b|\bđược\b|\bcho\b"
    r"|\bphê\s+duyệt\b|\bban\s+hành\b|\bgiai\s+đoạn\b|\bnhiệm\s+kỳ\b|\d+\s+(?:tháng|năm)\b|\bnăm\s+\d|$))")
_SUBJECT = re.compile(r"\s*,?\s*(?:về\s+việc|về)\s+(?P<q>[“\"])?")
_QUOTED_SUBJECT = re.compile(r"\s*,?\s*(?:về\s+)?[“\"](?P<s>[^”\"\n]{3,300})[”\"]")
_ABBREV = re.compile(r"\s*\((?:sau\s+đây\s+)?(?:gọi\s+tắt(?:\s+là)?|viết\s+tắt(?:\s+là)?)\s*:?\s*")
_SUBJECT_STOP = re.compile(
    rf"(?:[.;!?\n]|\(|\s+và\s+(?:các\s+)?{_TYPE_RE}\b|,\s+{_TYPE_RE}\s+(?:số\s+)?\d|\s+(?:cho|tới|đến)\s+(?:gần\s+)?\d|\s+(?:tại|trong)\s+(?:hội nghị|Hội nghị)"
    rf"|,\s+(?:ngày|sáng|chiều|tại|do|với|đồng\s+thời|nhằm|qua\s+đó)\b|\s+được\s+tổ\s+chức|\s+diễn\s+ra"
    rf"|\s+và\s+(?:[Hh]ội\s+nghị|tổ\s+chức|sơ\s+kết|tổng\s+kết|quán\s+triệt|triển\s+khai|giao\s+ban|diễn\s+tập|đánh\s+giá)"
    rf"|\s+(?:đã|đang|sẽ|vừa)\s+)")

_BODY_CODES = (
    (re.compile(r"(?i)quân\s+ủy\s+trung\s+ương|quân\s+uỷ\s+trung\s+ương|QUTW"), "QUTW"),
    (re.compile(r"(?i)bộ\s+chính\s+trị|ban\s+bí\s+thư|ban\s+chấp\s+hành\s+trung\s+ương|bch\s*tw|^trung\s+ương|^tw\b"), "TW"),
    (re.compile(r"(?i)tỉnh\s+ủy|thành\s+ủy|tỉnh\s+uỷ|thành\s+uỷ|đảng\s+bộ\s+(?:tỉnh|thành\s+phố)|tvtu|btv\s*tu"), "TU"),
    (re.compile(r"(?i)đảng\s+ủy|đảng\s+uỷ"), "ĐU"),
)


def _clean_symbol(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"(?i)^(\d+-)ctr/", lambda x: x.group(1) + "CTr/", s)
    return s


def _symbol_parts(sym: str) -> tuple[str, str | None, str | None, bool]:
    """(number, type, year, is_state) of a symbol."""
    if re.fullmatch(r"\d+-[^/]+/.+", sym):
        num, code = sym.split("-", 1)[0], sym.split("-", 1)[1].split("/")[0]
        return num, CODE_TYPES.get(code.upper()), None, False
    parts = sym.split("/")
    num = parts[0]
    year = parts[1] if len(parts) == 3 else None
    code = parts[-1].split("-")[0]
    typ = "Luật" if code.upper().startswith("QH") else CODE_TYPES.get(code.upper())
    if typ == "Quy định":
        typ = "Quyết định"
    return num, typ, year, True


@dataclass
class Mention:
    start: int
    end: int
    type: str | None
    number: str | None = None
    symbol: str | None = None
    year: int | None = None
    issued: str | None = None
    issuer: str | None = None
    term: str | None = None
    subject: str | None = None
    name: str | None = None
    key: str | None = None
    entry: object | None = None
    group: int = 0
    short: bool = False
    extras: dict = field(default_factory=dict)


_ISSUER_ABBREV = (
    (re.compile(r"^(?:Ban\s+TVTU|BTVTU|BTV\s+Tỉnh\s+ủy|Ban\s+TV\s+Tỉnh\s+ủy)$"), "Ban Thường vụ Tỉnh ủy"),
    (re.compile(r"^(?:Ban\s+TVTƯ|BTV\s+Thành\s+ủy|Ban\s+TV\s+Thành\s+ủy)$"), "Ban Thường vụ Thành ủy"),
    (re.compile(r"^(?:BCH\s*TW|BCHTW|BCH\s+Trung\s+ương)(?:\s+Đảng)?$"), "Ban Chấp hành Trung ương Đảng"),
    (re.compile(r"^BCT$"), "Bộ Chính trị"),
    (re.compile(r"^BBT$"), "Ban Bí thư"),
)


def _norm_issuer(s: str) -> str:
    s = re.sub(r"\s*\(?\s*(?:khóa|khoá)\s+[XVIL]+\s*\)?\s*$", "", s.strip(" ,"))
    s = re.sub(r"\s+", " ", s).strip(" ,")
    for rx, full in _ISSUER_ABBREV:
        if rx.match(s):
            return full
    return s


_ISSUED_BY = re.compile(
    r"(?:ngày\s+(?P<date>\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})\s*,\s*)?"
    r"(?P<iss>(?:Ban|Bộ\s+Chính\s+trị|Chính\s+phủ|Thủ\s+tướng|Quốc\s+hội|Tỉnh\s+ủy|Thành\s+ủy|Quân\s+ủy|Đảng\s+ủy|UBND|Ủy\s+ban|Hội\s+đồng)"
    r"[^,;.()\n]{0,60}?)\s+(?:đã\s+|vừa\s+)?ban\s+hành\s+(?:các\s+)?$")


def _issued_by(text: str, m: str, men: Mention) -> None:
    """'ngày 24/11/2023, Ban Chấp hành Trung ương Đảng khóa XIII đã ban hành Nghị quyết số 44-NQ/TW'."""
    x = _ISSUED_BY.search(m, max(0, men.start - 140), men.start)
    if not x:
        return
    iss = text[x.start("iss"):x.end("iss")]
    iss = re.split(r"\s+(?:tham\s+mưu(?:\s+cho)?|đề\s+nghị|chỉ\s+đạo|phối\s+hợp\s+với|giúp)\s+", iss)[-1]
    men.issuer = men.issuer or _norm_issuer(iss)
    if x.group("date") and not men.issued:
        men.issued = parse_full_date(x.group("date"))


def _tail(text: str, m: str, pos: int, men: Mention) -> int:
    """Read ", ngày ...", "của ...", "(khóa ...)", "về ..." after a mention; return the new end."""
    for _ in range(4):
        x = _ISSUED.match(m, pos)
        if x and not men.issued:
            men.issued = parse_full_date(x.group(1))
            pos = x.end()
            continue
        x = _YEAR_WORD.match(m, pos)
        if x and men.year is None and not men.issued:
            men.year = int(x.group(1))
            pos = x.end()
            continue
        x = _ISSUER.match(m, pos)
        if x and not men.issuer:
            men.issuer = _norm_issuer(text[x.start("issuer"):x.end("issuer")])
            pos = x.end()
            continue
        x = _TERM.match(m, pos)
        if x and not men.term:
            men.term = x.group(1)
            pos = x.end()
            continue
        break
    x = _QUOTED_SUBJECT.match(m, pos)
    if x:
        men.subject = text[x.start("s"):x.end("s")].strip()
        return x.end()
    x = _SUBJECT.match(m, pos)
    if x:
        s0 = x.end()
        stop = _SUBJECT_STOP.search(m, s0, min(len(m), s0 + 400))
        e = stop.start() if stop else min(len(m), s0 + 300)
        subj = text[s0:e].strip(" ,“”\"")
        if x.group("q"):
            close = m.find("”" if x.group("q") == "“" else "\"", s0, s0 + 400)
            if close > 0:
                subj, e = text[s0:close].strip(), close + 1
        if len(subj) >= 3:
            men.subject = subj
            return e
    return pos


def _find_mentions(text: str, m: str) -> list[Mention]:
    found: list[Mention] = []
    covered = bytearray(len(m) + 1)

    def free(a: int, b: int) -> bool:
        return not any(covered[a:b])

    def take(a: int, b: int) -> None:
        covered[a:b] = b"\x01" * (b - a)

    group = 0
    for x in PLENUM.finditer(m):
        men = Mention(x.start(), x.end(), "Nghị quyết", extras={"plenum": int(x.group("plenum")), "term": x.group("term")})
        men.term = x.group("term")
        group += 1
        men.group = group
        men.extras["tail"] = _tail(text, m, x.end(), men)
        found.append(men)
        take(x.start(), x.end())
    for x in NAMED.finditer(m):
        if free(x.start(), x.end()):
            men = Mention(x.start(), x.end(), x.group("type"), name=text[x.start("name"):x.end("name")].strip())
            group += 1
            men.group = group
            found.append(men)
            take(x.start(), x.end())
    for x in NAMED_LAW.finditer(m):
        if free(x.start(), x.end()):
            men = Mention(x.start(), x.end(), "Luật", name=f"Luật {text[x.start('name'):x.end('name')]} {x.group('year')}",
                          year=int(x.group("year")))
            group += 1
            men.group = group
            found.append(men)
            take(x.start(), x.end())
    for x in TYPED.finditer(m):
        if not free(x.start(), x.end()):
            continue
        group += 1
        typ = TYPE_WORDS.get(re.sub(r"\s+", " ", x.group("type")).lower().replace(" hành động", ""))
        chain = [_make(typ, x.group("num"), x.start(), x.end(), group)]
        pos = x.end()
        while len(chain) < _MAX_LIST:
            y = LIST_NEXT.match(m, pos)
            if not y:
                break
            t2 = TYPE_WORDS.get(re.sub(r"\s+", " ", y.group("type")).lower().replace(" hành động", "")) if y.group("type") else typ
            if not y.group("type") and m[pos:y.start("num")].strip().startswith(";"):
                break
            chain.append(_make(t2, y.group("num"), y.start("num") if not y.group("type") else y.start("type"), y.end(), group))
            pos = y.end()
        # each item may carry its own tail; the last tail is shared by items without one
        for i, men in enumerate(chain):
            end = _tail(text, m, men.end, men)
            men.extras["tail"] = end
            if i + 1 == len(chain):
                pos = end
        last = chain[-1]
        for men in chain[:-1]:
            men.issuer = men.issuer or last.issuer
            men.subject = men.subject or last.subject
            men.term = men.term or last.term
        for men in chain:
            found.append(men)
            take(men.start, men.end)
    for x in BARE_SYMBOL.finditer(m):
        if free(x.start(), x.end()):
            group += 1
            men = _make(None, x.group("num"), x.start(), x.end(), group)
            men.extras["tail"] = _tail(text, m, x.end(), men)
            found.append(men)
            take(x.start(), x.end())
    found.sort(key=lambda z: z.start)
    for men in found:
        _abbrev_subject(text, m, men)
        _issued_by(text, m, men)
    return found


def _abbrev_subject(text: str, m: str, men: Mention) -> None:
    """'Đề án phát triển ... (gọi tắt Đề án 06)': the phrase before is the subject."""
    if men.subject:
        return
    before = m[max(0, men.start - 400):men.start]
    x = None
    for x in _ABBREV.finditer(before):
        pass
    if not x or x.end() != len(before):
        return
    par = before[:x.start()]
    t = None
    for t in re.finditer(rf"(?<!\w){_TYPE_RE}\s+", par):
        pass
    if t:
        off = men.start - len(before)
        men.subject = text[off + t.end(): off + len(par)].strip(" ,")


def _make(typ: str | None, num: str, start: int, end: int, group: int) -> Mention:
    num = num.strip()
    men = Mention(start, end, typ, group=group)
    if re.fullmatch(_SYMBOL, num):
        sym = _clean_symbol(num)
        n, code_type, year, is_state = _symbol_parts(sym)
        men.symbol, men.number = sym, n
        if code_type and (code_type != typ):
            # the symbol wins over a contradicting type word; QĐ is Quy định or Quyết định by the word
            if not (code_type in ("Quy định", "Quyết định") and typ in ("Quy định", "Quyết định")):
                men.type = code_type
        men.type = men.type or code_type
        if year:
            men.year = int(year)
        men.extras["state"] = is_state
    elif re.fullmatch(_NUM_YEAR, num):
        n, y = [p.strip() for p in num.split("/")]
        men.number, men.year = n, int(y)
    else:
        men.number = num
        men.short = True
    return men


def _body_code(issuer: str | None) -> str | None:
    if not issuer:
        return None
    for rx, code in _BODY_CODES:
        if rx.search(issuer):
            return code
    return None


def _build_symbol(men: Mention) -> None:
    """Symbol from type, number and issuer when the article gives no code."""
    if men.symbol or not men.number or not men.type:
        return
    code = _body_code(men.issuer)
    iss = (men.issuer or "").lower()
    if men.type in PARTY_TYPES and code:
        men.symbol = f"{men.number}-{TYPE_CODES[men.type]}/{code}"
        men.short = False
        return
    if men.type == "Nghị định" and (men.year or men.issued):
        y = men.year or int(men.issued[:4])
        men.symbol = f"{men.number}/{y}/NĐ-CP"
        men.short = False
    elif men.type == "Quyết định" and "thủ tướng" in iss:
        men.symbol = f"{men.number}/QĐ-TTg"
        men.short = False
    elif men.type == "Nghị quyết" and "chính phủ" in iss:
        men.symbol = f"{men.number}/NQ-CP"
        men.short = False


_MAX_LIST = 40
_STATE_WITH_YEAR = re.compile(r"^\d+/\d{4}/")


def _resolve_key(men: Mention, before: str | None, reg) -> None:
    if men.extras.get("plenum"):
        alias = f"Nghị quyết Trung ương {men.extras['plenum']} khóa {men.term}"
        entry = _plenum_entry(reg, men.extras["plenum"], men.term, men.subject) or reg.match_alias(alias)
        if entry:
            _from_entry(men, entry)
        else:
            men.key = alias
        return
    if men.name:
        entry = reg.match_alias(f"{men.type} {men.name}")
        if entry:
            _from_entry(men, entry)
        else:
            men.key = men.name if men.type == "Luật" else f"{men.type} {men.name}"
        return
    if not men.symbol and men.number and men.type:
        entry = reg.match_alias(f"{men.type} {men.number}")
        if entry and not men.issuer:
            _from_entry(men, entry, keep_type=False)
            return
    if men.symbol:
        sym = men.symbol
        if _STATE_WITH_YEAR.match(sym):
            men.key = sym
            entry = reg.get(sym)
            if entry:
                men.entry = entry
            return
        year = int(men.issued[:4]) if men.issued else men.year
        entry = reg.resolve(sym, issuer=men.issuer, term=men.term, before=before, subject=men.subject, year=year)
        if entry:
            men.entry = entry
            year = year or entry.year
        men.key = f"{sym}@{year}" if year else sym
        return
    if men.number and men.type:
        men.key = f"{men.type} {men.number}"


def _plenum_entry(reg, plenum: int, term: str | None, subject: str | None):
    """The resolution of a plenum whose subject the article gives ("Nghị quyết Trung ương 8 khóa XIII về ...")."""
    if not subject:
        return None
    want = re.compile(rf"(?i)trung\s+ương\s+{plenum}\b.*\b{term}\b") if term else None
    cands = [e for e in reg if e.plenum and want and want.search(e.plenum)]
    scored = sorted(((registry_mod.subject_score(subject, e), e.key, e) for e in cands), reverse=True)
    if scored and scored[0][0] >= 0.5 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][2]
    return None


def _from_entry(men: Mention, entry, keep_type: bool = True) -> None:
    men.entry = entry
    men.key = entry.key
    men.symbol = entry.symbol
    men.number = entry.number
    if not keep_type or not men.type or men.extras.get("plenum"):
        men.type = entry.type


def _before(published: PartialDate | None) -> str | None:
    if not published or not published.year:
        return None
    if published.full:
        return published.iso
    return f"{published.year:04d}-{published.month or 12:02d}-28"


def extract_mentions(text: str, m: str, published: PartialDate | None) -> list[Mention]:
    reg = registry_mod.load()
    mentions = [x for x in _find_mentions(text, m) if x.type or x.name]
    before = _before(published)
    for men in mentions:
        _build_symbol(men)
    # references without a symbol ("Nghị quyết số 24", "NQ 44", "Nghị định số 21 của Chính phủ")
    # join a citation of the same type and number that has one
    citations = _first_citations(mentions)
    for men in mentions:
        if men.symbol or not men.number:
            continue
        ref = _citation_for(citations, men)
        if ref is not None:
            men.extras["ref"] = ref
            men.short = False
    for men in mentions:
        if "ref" not in men.extras:
            _resolve_key(men, before, reg)
    _unify_symbols(mentions)
    for men in mentions:
        ref = men.extras.get("ref")
        if ref is not None:
            men.key, men.entry, men.symbol, men.type = ref.key, ref.entry, ref.symbol, ref.type
        elif men.short and not men.issuer and men.type in PARTY_TYPES and men.key == f"{men.type} {men.number}":
            entry = _unique_central(reg, men, before)
            if entry:
                _from_entry(men, entry)
    _share_years(mentions, reg)
    _unify_symbols(mentions)
    return [x for x in mentions if x.key]


def _family(typ: str | None) -> str | None:
    return "Quy định" if typ == "Quyết định" else typ


def _first_citations(mentions: list[Mention]) -> dict[tuple, dict]:
    """First mention with a symbol per (number, type family): overall, without issuer, per issuer body code.

    An index rather than a scan, so that linking stays linear in the mentions."""
    index: dict[tuple, dict] = {}
    for i, f in enumerate(mentions):
        if not f.symbol:
            continue
        slot = index.setdefault((f.number, _family(f.type)), {})
        slot.setdefault("any", (i, f))
        slot.setdefault(("code", _body_code(f.issuer)) if f.issuer else "bare", (i, f))
    return index


def _citation_for(index: dict[tuple, dict], men: Mention) -> Mention | None:
    """The first citation of the same type and number whose issuer does not contradict ``men``'s."""
    slot = index.get((men.number, _family(men.type)))
    if not slot:
        return None
    if not men.issuer:
        return slot["any"][1]
    found = [c for c in (slot.get("bare"), slot.get(("code", _body_code(men.issuer)))) if c]
    return min(found, key=lambda c: c[0])[1] if found else None


def _unify_symbols(mentions: list[Mention]) -> None:
    """One symbol, one key: a mention without the year takes the year another mention gave."""
    keys: dict[str, set[str]] = {}
    for men in mentions:
        if men.symbol and men.key and men.key != men.symbol:
            keys.setdefault(men.symbol, set()).add(men.key)
    for men in mentions:
        if men.symbol and men.key == men.symbol and len(keys.get(men.symbol, ())) == 1:
            men.key = next(iter(keys[men.symbol]))
            if men.entry is None:
                men.entry = next((x.entry for x in mentions if x.key == men.key and x.entry), None)


def _unique_central(reg, men: Mention, before: str | None):
    code = TYPE_CODES.get(men.type)
    if not code:
        return None
    return reg.resolve(f"{men.number}-{code}/TW", before=before, subject=men.subject)


def _share_years(mentions: list[Mention], reg) -> None:
    """A list item whose year is ambiguous takes the year its siblings resolved to."""
    by_group: dict[int, list[Mention]] = {}
    for men in mentions:
        by_group.setdefault(men.group, []).append(men)
    for items in by_group.values():
        years = {int(x.key.rsplit("@", 1)[1]) for x in items if x.key and "@" in x.key}
        if len(years) != 1:
            continue
        (y,) = years
        for men in items:
            if men.symbol and men.key == men.symbol and not _STATE_WITH_YEAR.match(men.symbol):
                if men.symbol.endswith("/TW") or reg.by_symbol(men.symbol):
                    men.key = f"{men.symbol}@{y}"


def extract_documents(text: str, m: str, published: PartialDate | None) -> tuple[list[Document], list[Mention]]:
    """Every document the article cites, once each, in order of first mention."""
    mentions = extract_mentions(text, m, published)
    docs: dict[str, Document] = {}
    for men in mentions:
        d = docs.get(men.key)
        if d is None:
            d = docs[men.key] = Document(key=men.key, type=men.type, evidence=Span(men.start, men.end))
        d.type = d.type or men.type
        d.number = d.number or men.number
        d.symbol = d.symbol or men.symbol
        if not men.extras.get("ref"):
            d.issued = d.issued or men.issued
            d.issuer = d.issuer or men.issuer
            d.subject = d.subject or men.subject
    for men in mentions:
        d = docs[men.key]
        e = men.entry
        if e is not None:
            d.issued = d.issued or e.issued
            d.issuer = d.issuer or e.issuer
            d.type = d.type or e.type
    return list(docs.values()), mentions
