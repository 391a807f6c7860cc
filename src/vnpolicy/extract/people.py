"""People: named persons with military/police rank and each position as its own string.

Reports name officials in a few fixed shapes, which this module reads:

- name, then titles after a dash, comma or colon:
  "Hồ Thị Cẩm Đào - Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh;"
- titles, then the name: "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Trần Duy Đông";
- a rank (cấp bậc) before either: "Thiếu tướng Trần Vinh Ngọc, Phó Chính ủy Quân khu 7";
- lists after "các đồng chí:" separated by ";".

A name is a run of 2-5 capitalised syllables that starts with a family name
(data/surnames.txt); a run that does not (ethnic-minority names such as
"Rah Lan Lâm") counts only where a rank, a title or "đồng chí" introduces it.
Positions start at a title head (data/title_heads.txt) and end at a verb,
a clause boundary or the next name; commas split positions except inside one
title ("Phó trưởng Ban, Ban Tuyên giáo Trung ương"). A person mentioned again
keeps the first statement of each title: later variants ("Chủ tịch HĐND tỉnh
Sóc Trăng", "Chủ tịch Ủy ban nhân dân tỉnh") are not new positions.
Photo credits, bylines and street or place names are not people.

Matching runs on the match form ``m``; strings are sliced from ``text``.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..record import Person, Span
from ..text import match_form

_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz"
_UPPER = _LOWER.upper()
_SYL = rf"[{_UPPER}](?:[{_LOWER}]|['’][{_UPPER}{_LOWER}])*"
# A run of capitalised syllables separated by single spaces: candidate names.
# (The look-behind sits after the first letter so the scan can skip to capitals.)
_RUN = re.compile(rf"[{_UPPER}](?<![\w'’./][{_UPPER}])(?:[{_LOWER}]|['’][{_UPPER}{_LOWER}])*"
                  rf"(?: {_SYL})+(?![\w'’])")
_SYL_RE = re.compile(_SYL)

_RANK = (r"(?:đại|thượng|trung|thiếu)\s+(?:tướng|tá|úy)|(?:phó\s+|chuẩn\s+)?đô\s+đốc"
        r"|(?:thượng|trung|hạ)\s+sĩ|binh\s+(?:nhất|nhì)")
_RANK_END = re.compile(rf"(?i)(?<!\w)({_RANK})[\s,]*$")
_RANK_FIRST = {"đại", "thượng", "trung", "thiếu", "phó", "chuẩn", "đô", "hạ", "binh"}
_RANK_AT = re.compile(rf"(?i){_RANK}(?!\w)")
_RANK_ONLY = re.compile(rf"(?i)^\s*({_RANK})\s*$")
_ACADEMIC = r"(?:GS|PGS|TSKH|TS|ThS|BSCKII|BSCKI|BS|KS|NGND|NGƯT|NSND|NSƯT|TTND|TTƯT|Ths|Ts)"
_ACADEMIC_END = re.compile(rf"(?<![\w.])(?:{_ACADEMIC}\.?\s*)+[\s,]*$")
_ACADEMIC_ONLY = re.compile(rf"^\s*(?:{_ACADEMIC}\.?\s*)+$")
_HONORIFIC_END = re.compile(r"(?i)(?<!\w)(?:các\s+)?(?:đồng\s+chí|đ/c|ông|bà)\s*:?\s*$")
_FILLERS = re.compile(r"(?i)[\s\-–—]*(?:(?:các|những)\s+)?(?:(?:đồng\s+chí|đ/c|ông|bà)\s*:?\s*)?")

# Words that end a title: the verb of the clause, "cùng", "và các" ...
_STOP_WORDS = (
    "chủ trì", "đồng chủ trì", "tham dự", "đến dự", "phát biểu", "trao tặng", "trao", "tặng",
    "nhấn mạnh", "yêu cầu", "đề nghị", "khẳng định", "cho biết", "kết luận", "khai mạc",
    "bế mạc", "đánh giá", "nêu rõ", "nêu", "thống nhất", "biểu dương", "ghi nhận", "trình bày",
    "thông qua", "lưu ý", "giới thiệu", "truyền đạt", "chúc mừng", "gửi", "bày tỏ", "chia sẻ",
    "đề xuất", "mong muốn", "điều hành", "quán triệt", "dẫn đầu", "làm việc", "kiểm tra",
    "thăm", "trả lời", "tham luận", "phân tích", "đọc", "công bố", "trao đổi", "thay mặt",
    "cùng", "với", "cũng", "đã", "đang", "sẽ", "vừa", "luôn", "là", "tại", "trong", "khi",
    "thì", "mà", "để", "nhằm", "được", "nhận", "có", "cho", "theo", "lãnh đạo", "đại diện",
    "các", "những", "một số", "đều", "còn", "vẫn", "hiện", "đồng thời", "sau đó", "rồi", "làm",
)
_STOP = re.compile(
    r"(?<![\w/])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+")
                                 for w in sorted(_STOP_WORDS, key=len, reverse=True))
    + r"|báo\s+cáo(?!\s+viên)|dự(?!\s+(?:án|bị|thảo|khuyết|toán|báo|kiến|trữ))"
    r"|(?<!ban\s)(?<!Ban\s)chỉ\s+đạo"
    r"|và(?=\s+(?:(?i:" + _RANK + r")|đồng\s+chí|đ/c|ông|bà|Phó|Bí\s+thư|Chủ\s+tịch|Giám\s+đốc|Ủy\s+viên"
    r"|Trưởng|Thủ\s+tướng|Bộ\s+trưởng|Thứ\s+trưởng|Tư\s+lệnh|Chính\s+ủy|Chủ\s+nhiệm"
    r"|[" + _UPPER + r"][" + _LOWER + r"]*\s[" + _UPPER + r"]))"
    r")(?![\w])")
_HARD = re.compile(r"[;:()\n!?\[\]“”\"]|\.(?=\s|$)|…")
# Organisation words that may open a comma-separated piece of the same title.
_ORG_START = re.compile(
    r"(?:Ban|Bộ|Sở|Cục|Vụ|Viện|Hội(?! nghị| thảo| thi| diễn)|Ủy ban|Tổng cục|Trung tâm|Phòng|Văn phòng|Đảng ủy|Đảng đoàn"
    r"|Liên đoàn|Liên hiệp|Mặt trận|Quân khu|Quân đoàn|Học viện|Tỉnh ủy|Thành ủy|Huyện ủy"
    r"|Công an|Tổng công ty|Công ty|Đoàn|Cơ quan|Khối)(?![\w])")
_ENDS_MENTION = re.compile(r"[ \t]*(?:[,;.:(\-–—\n]|$)")
_LIST_SEP = re.compile(r"[ \t]*(?:[,;]|và)[ \t]*")
_LIST_NEXT = re.compile(rf"[ \t]*(?:[,;]|và)[ \t]*({_SYL}) {_SYL}")
_SEP_AFTER = re.compile(r"[ \t]*[-–—,:(][ \t]*")
_NON_NAME_PREV = {
    "đường", "phố", "trường", "cầu", "chợ", "bến", "khu", "ấp", "thôn", "xóm", "bản", "làng",
    "sông", "núi", "đảo", "đền", "chùa", "nhà", "tàu", "giải", "quỹ", "lớp", "học",
    "thpt", "thcs", "viện", "hẻm", "kiệt", "ngõ", "tuyến", "lộ", "hiệu", "tư", "tưởng",
    "khóm", "xã", "phường", "quận", "huyện", "tỉnh", "thị", "tp", "tp.",
}
# First words of organisation names ("Bộ Quốc phòng", "Ban Thường vụ"): no name starts so.
_ORG_SYL = {
    "bộ", "ban", "hội", "sở", "cục", "vụ", "viện", "tổng", "ủy", "đảng", "quân", "công", "tỉnh",
    "huyện", "thành", "chính", "trung", "văn", "mặt", "liên", "phòng", "trường", "học", "đoàn",
    "khối", "cơ", "nhà", "ngân", "tập", "báo", "đài", "lực", "cảnh", "biên", "hải",
    "nông", "thường", "tổ", "đội", "chi", "lữ", "sư", "tiểu", "kho", "cụm", "khu", "vùng",
}
# Words of organisations and places that no given name uses: a run stops there.
_NEVER_IN_NAME = {"bộ", "ban", "sở", "cục", "tỉnh", "huyện", "đảng", "ủy", "xã", "phường", "quận"}
_ADMIN_PREV = {"xã", "phường", "quận", "huyện", "tỉnh", "thị", "tp", "tp.", "phố"}
# Capitalised words that open sentences and may stand before a name.
_LEAD = {
    "theo", "tại", "với", "cùng", "sau", "trong", "khi", "ngày", "sáng", "chiều", "tối", "trưa",
    "đêm", "đến", "dự", "tham", "ông", "bà", "anh", "chị", "cô", "thầy", "bác", "các", "hôm",
    "phát", "đồng", "và", "do", "được", "của", "cho", "nhân", "dịp", "thay", "riêng", "đặc",
    "tiếp", "trước", "thời", "hiện", "như", "lúc", "qua", "từ", "về", "để", "đ/c",
}
# Credits: "Ảnh: Song Lê", "Tin, ảnh: Đức Hạnh", "CTV Ngọc Thủy – Văn Cảnh";
# matched on the part of a line before a name.
_CREDIT = re.compile(r"(?i)(?:^|[.(|/\-–—])[ \t]*(?:ảnh|tin|bài|nguồn|video|clip|đồ\s+họa|thực\s+hiện"
                     r"|tác\s+giả)(?:\s*(?:,|và)\s*(?:ảnh|bài|video))?\s*:"
                     r"|^[ \t]*(?:CTV|PV|BTV|Nhóm PV)(?![\w])", re.M)
_ABBREV = {
    "ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân", "bch": "ban chấp hành",
    "tw": "trung ương", "btv": "ban thường vụ", "chqs": "chỉ huy quân sự",
    "mttq": "mặt trận tổ quốc", "qs": "quân sự", "bđbp": "bộ đội biên phòng",
    "đbqh": "đại biểu quốc hội", "tu": "tỉnh ủy", "lđlđ": "liên đoàn lao động",
}
# Capitalised runs that read like names but name places (or the city and ideology).
_NOT_NAMES = {"hồ chí minh", "việt nam", "trung quốc", "hoa kỳ", "hoàng sa", "trường sa",
              "thái bình dương", "hoàng liên sơn", "phan xi păng", "liên hợp quốc", "tây nguyên",
              "sài gòn", "thủ đức", "nam bộ", "bắc bộ", "trung bộ"}


def _lines(name: str) -> list[str]:
    raw = resources.files("vnpolicy").joinpath("data", name).read_text(encoding="utf-8")
    return [x.strip() for x in raw.splitlines() if x.strip() and not x.startswith("#")]


@dataclass(frozen=True)
class _Lexicon:
    surnames: frozenset[str]
    places: frozenset[str]
    head: re.Pattern      # a title head, optionally "nguyên"/"quyền" before it
    held_as: re.Pattern   # "Bí thư Huyện ủy làm Trưởng ban ...": "làm" joins two titles
    head_first: frozenset[str]  # first words of the heads, to try the pattern only there


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    heads = sorted({match_form(h) for h in _lines("title_heads.txt")}, key=len, reverse=True)
    head = (r"(?:(?:nguyên|quyền)\s+)?(?:"
            + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in heads) + r")(?![\w])")
    places = set(_NOT_NAMES)
    try:  # province and district names, shared with the province extractor
        data = json.loads(resources.files("vnpolicy").joinpath("data", "admin_units.json")
                          .read_text(encoding="utf-8"))
        for name in (data.get("provinces_old") or []) + (data.get("provinces_new") or []):
            places.add(match_form(name).casefold())
        for row in (data.get("districts") or []) + (data.get("former_districts") or []):
            places.add(match_form(row[0] if isinstance(row, list) else str(row)).casefold())
    except (FileNotFoundError, ValueError, AttributeError, TypeError, IndexError):
        pass
    return _Lexicon(
        surnames=frozenset(match_form(x).casefold() for x in _lines("surnames.txt")),
        places=frozenset(places),
        head=re.compile(rf"(?i)(?<![\w]){head}"),
        held_as=re.compile(rf" làm (?=[{_UPPER}])(?=(?i:{head}))"),
        head_first=frozenset(h.split()[0].casefold() for h in heads) | {"nguyên", "quyền"},
    )


# Organisation names with a comma inside ("Bộ Văn hóa, Thể thao và Du lịch").
_ORG_COMMAS = ("Văn hóa, Thể thao", "Lao động, Thương binh", "Văn hóa, Xã hội", "Khoa học, Công nghệ",
               "Thi đua, Khen thưởng", "Thi đua, khen thưởng", "thi đua, khen thưởng")
_COMMA_NEWLINE = re.compile(r",[ \t]*\n")
_ABBREV_DOT = re.compile(r"(TP|Tp|TX|Q|P)\.")


def _scan_form(m: str, lex: _Lexicon) -> str:
    """Same-length copy of ``m`` for clause scanning: a line break after a comma
    continues the clause, "TP." ends no sentence, "làm" before a title is a
    comma, and the comma inside an organisation's name separates nothing."""
    s = _COMMA_NEWLINE.sub(lambda x: x.group(0).replace("\n", " "), m)
    if "." in s:
        s = _ABBREV_DOT.sub(lambda x: x.group(0) if x.start() and s[x.start() - 1].isalnum()
                            else x.group(1) + "·", s)
    if " làm " in s:
        s = lex.held_as.sub(lambda x: ",".ljust(len(x.group(0))), s)
    for name in _ORG_COMMAS:
        if name in s:
            s = s.replace(name, name.replace(",", "‚"))
    return s


def _cap_rank(s: str) -> str:
    s = " ".join(s.split())
    return s[0].upper() + s[1:].lower()


@dataclass
class _Cand:
    """A name found in the text, with what stands right before it."""

    start: int
    end: int
    rank: str | None
    ctx_end: int  # where titles written before the name (and its rank) end


_TRAILING_AND = re.compile(r"\s+(?:và|cùng|với|kiêm)$")


class _Doc:
    """One article being read: the scan form, its clause boundaries, the names found."""

    def __init__(self, m: str):
        self.lex = _lexicon()
        self.s = _scan_form(m, self.lex)
        self.hard = [h.start() for h in _HARD.finditer(self.s)]
        self.names: list[tuple[int, int]] = []

    # -- small helpers -------------------------------------------------------
    def clause_start(self, p: int, floor: int) -> int:
        i = bisect_left(self.hard, p)
        return max(floor, self.hard[i - 1] + 1) if i else floor

    def clause_end(self, p: int, limit: int) -> int:
        i = bisect_left(self.hard, p)
        return min(self.hard[i], limit) if i < len(self.hard) else limit

    def has_name(self, a: int, b: int) -> bool:
        i = bisect_left(self.names, (a, -1))
        return i < len(self.names) and self.names[i][0] < b

    def segments(self, a: int, b: int) -> list[tuple[int, int]]:
        out, start = [], a
        i = self.s.find(",", a, b)
        while i >= 0:
            out.append((start, i))
            start = i + 1
            i = self.s.find(",", start, b)
        out.append((start, b))
        return out

    def trim(self, a: int, b: int) -> tuple[int, int]:
        s = self.s
        while a < b and s[a] in " \t\n,-–—":
            a += 1
        while b > a and s[b - 1] in " \t\n,;-–—":
            b -= 1
        t = _TRAILING_AND.search(s, a, b)
        return (a, t.start()) if t else (a, b)

    def last_stop_end(self, a: int, b: int) -> int:
        """End of the last stop word in s[a:b] (its lookahead may see past b), else a."""
        cut = a
        for st in _STOP.finditer(self.s, a, min(len(self.s), b + 60)):
            if st.start() >= b:
                break
            cut = st.end()
        return cut

    # -- names ---------------------------------------------------------------
    def clean_run(self, a0: int, b0: int) -> tuple[int, int] | None:
        """Trim a capitalised run to the name inside it, or None."""
        s, lex = self.s, self.lex
        sylls = [(x.start(), x.end()) for x in _SYL_RE.finditer(s, a0, b0)]
        i = 0
        while i < len(sylls):  # sentence openers and titles in front
            a, b = sylls[i]
            h = lex.head.match(s, a) if s[a:b].casefold() in lex.head_first else None
            if h:
                while i < len(sylls) and sylls[i][0] < h.end():
                    i += 1
            elif s[a:b].casefold() in _LEAD:
                i += 1
            else:
                break
        sylls = sylls[i:]
        for j in range(1, len(sylls)):  # a title glued after the name
            a, b = sylls[j]
            w = s[a:b].casefold()
            if (w in lex.head_first and lex.head.match(s, a) or w in _RANK_FIRST and _RANK_AT.match(s, a)
                    or w in _NEVER_IN_NAME):
                sylls = sylls[:j]
                break
        for k in (3, 2, 1):  # a place before the name: "tỉnh Sóc Trăng Trần Văn Lâu"
            if len(sylls) > k + 1 and s[sylls[0][0]:sylls[k - 1][1]].casefold() in lex.places \
                    and s[sylls[k][0]:sylls[k][1]].casefold() in lex.surnames:
                sylls = sylls[k:]
                break
        if not 2 <= len(sylls) <= 5:
            return None
        if all(b - a > 1 and s[a:b].isupper() for a, b in sylls):
            return None  # an all-caps byline ("KIM NGỌC")
        a, b = sylls[0][0], sylls[-1][1]
        return None if s[a:b].casefold() in lex.places else (a, b)

    def strip_prefix(self, p: int) -> tuple[str | None, int, bool]:
        """Rank, academic titles and "đồng chí" right before position ``p``:
        (rank, where titles written before them end, whether they introduce a name)."""
        rank, introduced = None, False
        for _ in range(4):
            lo = max(0, p - 40)
            win = self.s[lo:p]
            r = _RANK_END.search(win) if rank is None else None
            if r:
                rank, p, introduced = _cap_rank(r.group(1)), lo + r.start(), True
                continue
            a = _ACADEMIC_END.search(win)
            if a:
                p = lo + a.start()
                continue
            h = _HONORIFIC_END.search(win)
            if h:
                p, introduced = lo + h.start(), True
                continue
            break
        return rank, p, introduced

    def candidates(self) -> list[_Cand]:
        """Names in order, without credits, bylines, addresses and places."""
        s, lex = self.s, self.lex
        out: list[_Cand] = []
        for run in _RUN.finditer(s):
            span = self.clean_run(run.start(), run.end())
            if not span:
                continue
            a, b = span
            first = s[a:s.find(" ", a, b)].casefold()
            surname = first in lex.surnames
            if not surname and first in _ORG_SYL:
                continue  # "Bộ Quốc phòng", "Ban Thường vụ"
            rank, p, introduced = self.strip_prefix(a)
            prev_word = self.prev_word(p)
            if prev_word.rstrip(",").isdigit():
                continue  # "29 Lê Hồng Phong": an address
            long_name = surname and s.count(" ", a, b) >= 2
            titled = None
            if prev_word in _NON_NAME_PREV:
                titled = self.titled(p)
                if not (titled and prev_word in _ADMIN_PREV):
                    continue  # a street, school or place named after someone
            if not (introduced or long_name):
                titled = self.titled(p) if titled is None else titled
                if not titled and not (surname and self.in_name_list(a, b, out)):
                    continue
                if not surname and (prev_word in _ADMIN_PREV or not self.ends_mention(b)):
                    continue  # a title alone introduces only a run that ends the phrase
            ls = s.rfind("\n", max(0, a - 100), a) + 1
            if _CREDIT.search(s, max(ls, a - 100), a):
                continue
            le = s.find("\n", b, b + 100)
            le = len(s) if le < 0 and len(s) <= b + 100 else le
            if (ls or a < 100) and le >= 0 and _BYLINE.fullmatch(s[ls:le].strip()):
                continue  # a short line of names alone closes the article: the byline
            out.append(_Cand(a, b, rank, p))
        return out

    def in_name_list(self, a: int, b: int, found: list[_Cand]) -> bool:
        """A short name listed next to another: "các đồng chí: Đỗ Mười, Lê Khả Phiêu"."""
        s = self.s
        if found and _LIST_SEP.fullmatch(s, found[-1].end, a):
            return True
        nxt = _LIST_NEXT.match(s, b)
        return bool(nxt) and nxt.group(1).casefold() in self.lex.surnames

    def prev_word(self, p: int) -> str:
        """The word before position ``p``, lower case."""
        s = self.s
        while p > 0 and s[p - 1] in " \t":
            p -= 1
        lo = max(0, p - 40)
        i = max(s.rfind(" ", lo, p), s.rfind("\n", lo, p), s.rfind("\t", lo, p), lo - 1)
        return s[i + 1:p].casefold()

    def ends_mention(self, b: int) -> bool:
        return bool(_ENDS_MENTION.match(self.s, b)
                    or self.s[b:b + 1] == " " and _STOP.match(self.s, b + 1))

    # -- titles --------------------------------------------------------------
    def titled(self, p: int) -> bool:
        """Whether any title is written before ``p``: :meth:`titles_before` stopping at the first
        (a long list of titled names would otherwise be read back 300 characters per name)."""
        return bool(self.titles_before(p, 0, first=True))

    def titles_before(self, p: int, floor: int, first: bool = False) -> list[list[tuple[int, int]]]:
        """Titles written before a name (or its rank) that starts at ``p``."""
        s, head = self.s, self.lex.head
        segs = self.segments(self.clause_start(p, max(floor, p - 300)), p)
        items: list[tuple[str, int, int]] = []
        for k in range(len(segs) - 1, -1, -1):
            a, b = self.trim(*segs[k])
            if a >= b:
                if k == len(segs) - 1:
                    continue  # "Phó Tư lệnh Quân khu 4, Thiếu tướng X": the rank stood here
                break
            if self.has_name(a, b) or b - a > 200:
                break
            cut = self.last_stop_end(a, b)
            h = head.search(s, cut, b)
            if h:
                clean = _FILLERS.match(s, cut, h.start()).end() == h.start()
                if not clean and items:
                    break  # "tại Phủ Chủ tịch, Chủ tịch nước X": not a title of X
                items.append(("title", h.start(), b))
                if first:
                    break
                if cut != a or not clean:
                    break  # something else precedes this title: the list ends here
            elif cut == a and s.count(" ", a, b) < 8 and _ORG_START.match(s, a, b):
                items.append(("cont", a, b))
            else:
                break
        return _merge(items[::-1])

    def titles_after(self, e: int) -> tuple[list[list[tuple[int, int]]], int, str | None]:
        """Titles written after a name ending at ``e``: (titles, where they end, rank)."""
        s, head = self.s, self.lex.head
        sep = _SEP_AFTER.match(s, e)
        if not sep or sep.end() == e:
            return [], e, None
        a0 = sep.end()
        b0 = self.clause_end(a0, min(len(s), a0 + 400))
        items: list[tuple[str, int, int]] = []
        rank, end, known = None, e, False
        for a, b in self.segments(a0, b0):
            st = _STOP.search(s, a, min(len(s), b + 60))
            last = st is not None and st.start() < b
            if last:
                b = st.start()
            a, b = self.trim(a, b)
            if a >= b or self.has_name(a, b):
                break
            piece = s[a:b]
            if _RANK_ONLY.match(piece):
                rank = rank or _cap_rank(piece)
            elif _ACADEMIC_ONLY.match(piece):
                pass
            elif head.match(s, a):
                items.append(("title", a, b))
                known = True
            elif not items:
                if not piece[0].isupper() or piece.count(" ") > 3:
                    break
                items.append(("title", a, b))  # "UVT.Ư Đảng, Bí thư Tỉnh ủy": kept if a known title follows
            elif piece.count(" ") < 10 and (_ORG_START.match(piece) or (
                    piece[0].islower() and " về " in s[items[-1][1]:items[-1][2]])):
                items.append(("cont", a, b))  # "Phó trưởng Ban, Ban Tuyên giáo"; "về A, B và C"
            elif piece[0].isupper() and piece.count(" ") < 8:
                items.append(("title", a, b))  # a title with a head we do not know
            else:
                break
            end = b
            if last:
                break
        if not known:
            return [], e, rank
        return _merge(items), end, rank


# A line of names alone ("Song Lê", "Ngọc Thủy – Văn Cảnh (Huyện X)"): the byline.
_BYLINE = re.compile(rf"{_SYL}(?: {_SYL})*(?:[ \t]*[-–—,&/][ \t]*{_SYL}(?: {_SYL})*)*"
                     rf"(?:[ \t]*\([^)\n]*\))?[ \t]*\.?")


def _merge(items: list[tuple[str, int, int]]) -> list[list[tuple[int, int]]]:
    """Titles as lists of comma pieces: a continuation joins the title before it."""
    out: list[list[tuple[int, int]]] = []
    for kind, a, b in items:
        if kind == "title":
            out.append([(a, b)])
        elif out:
            out[-1].append((a, b))
    return out


def _clean_text(text: str, a: int, b: int) -> str:
    return " ".join(text[a:b].split()).strip(" ,;:-–—")


def _title_text(text: str, pieces: list[tuple[int, int]]) -> str:
    """One title from its comma pieces; "Phó trưởng Ban, Ban Tuyên giáo" reads
    "Phó trưởng Ban Tuyên giáo" (the repeated word names the same body)."""
    out = _clean_text(text, *pieces[0])
    for a, b in pieces[1:]:
        nxt = _clean_text(text, a, b)
        first = nxt.split(" ", 1)[0]
        if out.rsplit(" ", 1)[-1].casefold() == first.casefold():
            out += nxt[len(first):]
        else:
            out += ", " + nxt
    return out


# Capitalised words after "tỉnh", "huyện" ... at the end of a title name the place.
_TRAILING_PLACE = re.compile(
    rf"(\s(?:tỉnh|huyện|quận|xã|thị xã|phường|thành phố|TP))(?:\s+[{_UPPER}][\w'’-]*)+$")


@lru_cache(maxsize=4096)
def _position_key(pos: str) -> tuple[str, ...]:
    """Tokens of a position for comparing variants: abbreviations written out,
    a trailing place name dropped."""
    places = _lexicon().places
    pos = _TRAILING_PLACE.sub(r"\1", match_form(pos))
    toks: list[str] = []
    for t in pos.casefold().replace(",", " ").split():
        toks.extend(_ABBREV.get(t, t).split())
    for k in (3, 2, 1):
        if len(toks) > k + 1 and " ".join(toks[-k:]) in places:
            toks = toks[:-k]
            break
    if toks and toks[-1] in ("tphcm", "tp.hcm", "hcm"):
        toks = toks[:-1]
    return tuple(toks)


def _same_position(x: str, y: str) -> bool:
    """A caption variant of a title already known: same tokens up to a place name
    or an abbreviation, or a near miss such as a dropped word ("Chủ UBND")."""
    a, b = Counter(_position_key(x)), Counter(_position_key(y))
    if not a or not b:
        return False
    return 2 * sum((a & b).values()) / (sum(a.values()) + sum(b.values())) >= 0.85


def extract_people(text: str, m: str) -> list[Person]:
    """Every named person once, in order of first mention (see the module docstring)."""
    doc = _Doc(m)
    cands = doc.candidates()
    doc.names = [(c.start, c.end) for c in cands]
    people: dict[str, Person] = {}
    floor = 0
    for c in cands:
        before = doc.titles_before(c.ctx_end, floor) if c.ctx_end > floor else []
        after, end, rank = doc.titles_after(c.end)
        floor = max(c.end, end)
        key = " ".join(doc.s[c.start:c.end].casefold().split())
        person = people.get(key)
        if person is None:
            person = people[key] = Person(name=_clean_text(text, c.start, c.end),
                                          evidence=Span(c.start, c.end))
        person.rank = person.rank or c.rank or rank
        for pieces in before + after:
            pos = _title_text(text, pieces)
            if pos and not any(_same_position(pos, x) for x in person.positions):
                person.positions.append(pos)
    return list(people.values())
