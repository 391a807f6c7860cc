"""Text normalisation: one canonical form for every article.

``normalise`` gives the display text (NFC, ordinary spaces, no zero-width
characters); offsets of every extracted fact point into it. ``match_form``
rewrites old-style tone placement ("hoà", "thuỷ") to the new style ("hòa",
"thủy") without changing the length, so patterns written once match both and
offsets stay valid. ``fold`` strips diacritics (including "đ") for search.
"""
from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0309\u0303\u0323"
_OLD_TONE = re.compile(r"(?i)(?<!q)(o|u)([" + _TONES + r"])?([aey])([" + _TONES + r"])(?![^\W\d_])")
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def normalise(raw: str) -> str:
    """NFC, newlines unified, odd spaces made plain, invisible marks dropped."""
    s = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    s = _INVISIBLE.sub("", s)
    return _SPACES.sub(" ", s)


def _swap_tone(m: re.Match) -> str:
    v1, v2, tone = m.group(1), m.group(3), m.group(4)
    if (v1.lower() + v2.lower()) not in ("oa", "oe", "uy"):
        return m.group(0)
    return v1 + tone + v2


def match_form(s: str) -> str:
    """New-style tone placement; same length as ``s`` (NFC in, NFC out)."""
    if not any(c in s for c in "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"):
        return s
    out = []
    for word in re.split(r"(\W+)", s):
        if len(word) >= 2 and word[-1] in "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ":
            d = unicodedata.normalize("NFD", word)
            d2 = _OLD_TONE.sub(_swap_tone, d)
            if d2 != d:
                word = unicodedata.normalize("NFC", d2)
        out.append(word)
    res = "".join(out)
    return res if len(res) == len(s) else s


def fold(s: str) -> str:
    """Lower case without diacritics: "Đảng ủy Quân sự" → "dang uy quan su"."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()
