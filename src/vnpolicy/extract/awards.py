"""Awards handed out at a meeting: Bằng khen, Giấy khen ... with counts.

An award is a kind of commendation (khen thưởng) that someone gives at the
meeting: a giving verb ("trao", "tặng", "khen thưởng") stands in the same
clause before the kind, or the recipients "được tặng" it. Counts come from
"08 tập thể và 16 cá nhân", "5 tập thể, 10 cá nhân", "năm tập thể" and stay
None when the article does not state them ("cho các tập thể và cá nhân").
People merely attending ("125 tập thể, cá nhân tiêu biểu") are no award.
Several mentions of one award (a caption and the body) are merged.
"""
from __future__ import annotations

import re

from ..record import Award, Span

_KINDS = {"bằng khen": "Bằng khen", "giấy khen": "Giấy khen", "cờ thi đua": "Cờ thi đua",
          "huân chương": "Huân chương", "huy chương": "Huy chương",
          "kỷ niệm chương": "Kỷ niệm chương"}
_KIND = re.compile(r"(?i)(?<!\w)(bằng\s+khen|giấy\s+khen|cờ\s+thi\s+đua|huân\s+chương|huy\s+chương"
                   r"|kỷ\s+niệm\s+chương)(?!\w)")
# Named orders and medals keep their name: "Huân chương Lao động hạng Ba".
_NAMED = {"Huân chương", "Huy chương", "Kỷ niệm chương"}
_NAME_TAIL = re.compile(r"[ \t]+[\"“]?((?:[^\W\d_][\w'’-]*)(?:[ \t]+[\w'’-]+){0,9}?)[\"”]?"
                        r"(?=[ \t]*(?:[,;.:()\n]|$|[ \t](?:cho|của|đến|tới|và|vì|đã|được|nhân)(?!\w)))")
_GIVE = re.compile(r"(?i)(?<!\w)(?:trao\s+tặng|tặng\s+thưởng|trao\s+thưởng|khen\s+thưởng|trao|tặng"
                   r"|đón\s+nhận|nhận|truy\s+tặng)(?!\w)")
# Awards a unit won in past years are background, not handed out at the meeting.
_BACKGROUND = re.compile(r"(?i)(?<!\w)(?:từng|nhiều\s+năm|năm\s+liền|liên\s+tục|trước\s+đó"
                         r"|trước\s+đây)(?!\w)")
_CLAUSE_END = re.compile(r"[;.!?\n](?=\s|$)|[;\n]")
_GIVER = re.compile(r"[ \t]+của[ \t]+([^,;.\n()]{3,80}?)"
                    r"(?=[ \t]+(?:cho|tặng|vì|về|đã|do|đến|tới|nhân)(?!\w)|[,;.\n(]|$)")
_NUM_WORDS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
              "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "mươi": 10, "trăm": 100,
              "nghìn": 1000, "ngàn": 1000}
_NUM = r"(\d{1,3}(?:\.\d{3})+|\d+|(?:(?:" + "|".join(_NUM_WORDS) + r")\s+)+)"
_COUNT = re.compile(r"(?i)(?<![\w.])" + _NUM + r"\s*(tập\s+thể|cá\s+nhân)(?!\w)")
_MAX_COUNT = 100000


def _number(s: str) -> int | None:
    s = s.strip().lower()
    if s[0].isdigit():
        n = int(s.replace(".", ""))
    else:
        n, cur = 0, 0
        for w in s.split():
            v = _NUM_WORDS[w]
            if v == 10 and w == "mươi":
                cur = (cur or 1) * 10
            elif v == 10:
                cur += 10
            elif v in (100, 1000):
                n += (cur or 1) * v
                cur = 0
            else:
                cur += v
        n += cur
    return n if 0 < n <= _MAX_COUNT else None


def _counts(m: str, a: int, b: int) -> tuple[int | None, int | None, bool]:
    """Counts of collectives and individuals stated in m[a:b]."""
    coll = ind = None
    found = False
    for c in _COUNT.finditer(m, a, b):
        found = True
        n = _number(c.group(1))
        if c.group(2).lower().startswith("tập"):
            coll = coll if coll is not None else n
        else:
            ind = ind if ind is not None else n
    return coll, ind, found


def _clause_start(m: str, i: int) -> int:
    lo = max(0, i - 400)
    return max(m.rfind(".", lo, i), m.rfind(";", lo, i), m.rfind("\n", lo, i), m.rfind(":", lo, i), lo - 1) + 1


def _clause_end(m: str, i: int) -> int:
    hi = min(len(m), i + 400)
    c = _CLAUSE_END.search(m, i, hi)
    return c.start() if c else hi


def extract_awards(text: str, m: str) -> list[Award]:
    """Commendations given at the meeting, merged per kind and giver."""
    out: list[tuple[Award, bool]] = []
    kinds = list(_KIND.finditer(m))
    given_at = -1  # start of the last kind that was given: a kind after it in its clause is too
    for i, k in enumerate(kinds):
        clause = _clause_start(m, k.start())
        start = max(clause, kinds[i - 1].end() if i else 0)
        end = min(_clause_end(m, k.end()), kinds[i + 1].start() if i + 1 < len(kinds) else len(m))
        before = m[start:k.start()]
        gives = list(_GIVE.finditer(before))
        if not gives and given_at < clause or _BACKGROUND.search(m[clause:k.start()]):
            continue
        given_at = k.start()
        kind = _KINDS[" ".join(k.group(1).lower().split())]
        tail_at = k.end()
        if kind in _NAMED:
            t = _NAME_TAIL.match(m, k.end(), end)
            if t:
                kind = kind + " " + " ".join(text[t.start(1):t.end(1)].split())
                tail_at = t.end()
        giver = None
        g = _GIVER.match(m, tail_at, end)
        if g:
            giver = " ".join(text[g.start(1):g.end(1)].split())
        elif gives:
            subject = text[start:start + gives[-1].start()].rsplit(",", 1)[-1].strip()
            subject = re.sub(r"(?i)\s+(?:đã|đồng\s+thời|cũng|vừa)$", "", subject).strip()
            subject = re.sub(r"(?i)^(?:đồng\s+chí|đ/c)\s+", "", subject)
            if subject[:1].isupper() and len(subject.split()) <= 8:
                giver = subject
        coll, ind, found = _counts(m, k.end(), end)
        if not found:  # "8 tập thể và 16 cá nhân được tặng Bằng khen"
            coll, ind, _ = _counts(m, start, k.start())
        award = Award(kind=kind, giver=giver, collectives=coll, individuals=ind,
                      evidence=Span(k.start(), k.end()))
        _add(out, award, g is not None)
    return [a for a, _ in out]


def _add(out: list[tuple[Award, bool]], new: Award, named: bool) -> None:
    """Merge a mention into an award already found when nothing contradicts it:
    same kind, no differing counts, no two different "của ..." givers (a caption
    "Đồng chí X trao Bằng khen" and the body's "Tỉnh ủy tặng Bằng khen" are one)."""
    for i, (old, old_named) in enumerate(out):
        if old.kind.casefold() != new.kind.casefold():
            continue
        if named and old_named and old.giver.casefold() != new.giver.casefold():
            continue
        if any(x is not None and y is not None and x != y
               for x, y in ((old.collectives, new.collectives), (old.individuals, new.individuals))):
            continue
        if named and not old_named:
            old.giver = new.giver
        old.giver = old.giver or new.giver
        old.collectives = old.collectives if old.collectives is not None else new.collectives
        old.individuals = old.individuals if old.individuals is not None else new.individuals
        out[i] = (old, old_named or named)
        return
    out.append((new, named))
