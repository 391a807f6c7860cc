"""Registry of well-known Party and State documents, and symbol resolution.

Articles cite documents loosely: "Nghị quyết 28-NQ/TW" without its year,
"Nghị quyết Trung ương 8 khóa XI" without any number, "Đề án 06". Party
numbers restart every term, so one symbol names several documents
(28-NQ/TW of 2008, 2013, 2018, 2022). The registry (``data/registry.yaml``)
holds checked facts about the documents that news cites most, and
``Registry.resolve`` picks the one an article means from the clues it gives
(issuer, khóa, article date, subject).

Keys follow the record contract: ``symbol@YEAR`` for Party documents and for
State symbols without a year (``1719/QĐ-TTg@2021``); State symbols that carry
their year are their own key (``21/2019/NĐ-CP``).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterator

import yaml

from vnpolicy.text import fold, match_form, normalise

DOCUMENT_TYPES = (
    "Nghị quyết", "Chỉ thị", "Kết luận", "Quy định", "Quyết định", "Nghị định",
    "Thông tư", "Luật", "Chương trình", "Kế hoạch", "Đề án", "Chiến lược",
    "Hướng dẫn", "Thông báo", "Công điện",
)
REVIEW_KINDS = ("so_ket", "tong_ket")

# Party terms (khóa) by congress dates: a document issued on a congress day
# or later belongs to the new term.
TERM_START = {
    "X": dt.date(2006, 4, 25),
    "XI": dt.date(2011, 1, 19),
    "XII": dt.date(2016, 1, 28),
    "XIII": dt.date(2021, 2, 1),
    "XIV": dt.date(2026, 1, 19),
}


@dataclass(frozen=True)
class Review:
    """A review the document schedules for itself: so_ket (mid-term) or tong_ket (final)."""

    kind: str
    years: int | None = None
    months: int | None = None


@dataclass(frozen=True)
class Entry:
    key: str
    symbol: str
    type: str
    number: str
    issued: str | None
    issuer: str | None
    subject: str | None
    term: str | None
    plenum: str | None
    aliases: tuple[str, ...] = ()
    reviews: tuple[Review, ...] = ()
    replaces: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    source_note: str | None = None

    @property
    def year(self) -> int | None:
        if self.issued:
            return int(self.issued[:4])
        m = re.search(r"@(\d{4})$", self.key) or re.search(r"/(\d{4})/", self.symbol)
        return int(m.group(1)) if m else None


# ---------------------------------------------------------------- symbols

_CODE_CASE = {
    fold(c): c
    for c in ("NQ", "CT", "KL", "QĐ", "QĐi", "NĐ", "TW", "TU", "ĐU", "CP", "TTg", "QUTW",
              "KH", "CTr", "HD", "TB", "CĐ", "TT", "BQP", "BCA", "UBND", "HĐND", "BCĐ")
}


def normalise_symbol(symbol: str) -> str:
    """Official spelling of a số ký hiệu: no spaces around '-' and '/', "ND" → "NĐ",
    code case restored ("qđ-ttg" → "QĐ-TTg"); leading zeros stay as written."""
    s = re.sub(r"\s*([-/])\s*", r"\1", normalise(symbol).strip())
    s = re.sub(r"\s+", " ", s)

    def code(m: re.Match) -> str:
        word = m.group(0)
        f = fold(word)
        if f in _CODE_CASE:
            return _CODE_CASE[f]
        if re.fullmatch(r"qh\d+", f):
            return "QH" + f[2:]
        return word

    return re.sub(r"[^\W\d_]+\d*", code, s)


@functools.lru_cache(maxsize=8192)  # every mention is looked up, and an article repeats its symbols
def symbol_form(symbol: str) -> str:
    """Comparison form of a symbol: folded, no spaces, leading zeros dropped."""
    s = fold(normalise_symbol(symbol)).replace(" ", "")
    return re.sub(r"(?<!\d)0+(?=\d)", "", s)


def _split_key(key: str) -> tuple[str, int | None]:
    m = re.fullmatch(r"(.+)@(\d{4})", key.strip())
    return (m.group(1), int(m.group(2))) if m else (key.strip(), None)


# ---------------------------------------------------------------- aliases

_ALIAS_WORDS = (
    (re.compile(r"\bnq\b"), "nghị quyết"),
    (re.compile(r"\bct\b"), "chỉ thị"),
    (re.compile(r"\bkl\b"), "kết luận"),
    (re.compile(r"\btw ?(?=\d)"), "trung ương "),
    (re.compile(r"\bnqtw ?(?=\d)"), "nghị quyết trung ương "),
    (re.compile(r"\btw\b"), "trung ương"),
    (re.compile(r"\bhội nghị (?=trung ương \d)"), ""),
    (re.compile(r"\bsố\b"), ""),
)


@functools.lru_cache(maxsize=8192)  # looked up once per mention; articles repeat their references
def alias_form(text: str) -> str:
    """Matching form of a name: new-style tones, lower case, no parentheses or
    quotes, abbreviations spelt out, "số" and "Hội nghị" dropped:
    "NQ TW8 (Khoá XI)" and "Nghị quyết Hội nghị Trung ương 8 khóa XI" agree."""
    s = match_form(normalise(text)).lower()
    s = re.sub(r"[()\[\]\"“”‘’'«»,;:.]", " ", s)
    for pattern, repl in _ALIAS_WORDS:
        s = pattern.sub(repl, s)
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- issuers

_PARTY_CENTRE = {
    "bch": re.compile(r"^(ban chap hanh|bch) ?(trung uong|tw)( dang( cong san viet nam)?)?$"
                      r"|^hoi nghi (lan thu \w+ )?(ban chap hanh )?trung uong( dang)?( lan thu)?( \w+)?$"),
    "bct": re.compile(r"^(bo chinh tri|bct)\b"),
    "bbt": re.compile(r"^(ban bi thu|bbt)\b"),
}
_GENERIC_CENTRE = ("trung uong", "trung uong dang", "tw", "dang")


def _issuer_class(issuer: str) -> str:
    """"bch", "bct", "bbt" for the central Party organs, "party" for "Trung
    ương" alone, else the folded name without its khóa."""
    f = re.sub(r"[^\w\s]", " ", fold(issuer))
    f = re.sub(r"\s+", " ", re.sub(r"\bkhoa\b.*$", "", f)).strip()
    if f in _GENERIC_CENTRE:
        return "party"
    for cls, pattern in _PARTY_CENTRE.items():
        if pattern.search(f):
            return cls
    return f


def issuer_compatible(given: str, registered: str | None) -> bool:
    """Whether an issuer as an article names it can be the registered one.

    "Bộ Chính trị" and "Ban Chấp hành Trung ương Đảng" exclude each other;
    "Trung ương" alone fits every central Party organ; other names fit when
    one contains the other ("Chính phủ" in "Thủ tướng Chính phủ")."""
    if not registered:
        return True
    g, r = _issuer_class(given), _issuer_class(registered)
    if g == r:
        return True
    if g == "party":
        return r in _PARTY_CENTRE
    if g in _PARTY_CENTRE or r in _PARTY_CENTRE:
        return False
    return g in r or r in g


# ---------------------------------------------------------------- subjects

_STOP = frozenset(fold(w) for w in (
    "về", "và", "của", "các", "những", "một", "số", "trong", "tình", "hình", "mới",
    "tiếp", "tục", "đối", "với", "nhằm", "theo", "để", "đến", "năm", "giai", "đoạn",
))


def _tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"\w+", fold(text)) if t not in _STOP]


@functools.lru_cache(maxsize=8192)
def _grams(text: str) -> frozenset[str]:
    toks = _tokens(text)
    grams = {a + " " + b for a, b in zip(toks, toks[1:])}
    return frozenset(grams or toks)


def subject_score(given: str, entry: Entry) -> float:
    """Share of the given subject's word pairs found in the entry's subject or
    aliases (articles shorten subjects, rarely add to them)."""
    g = _grams(given)
    if not g:
        return 0.0
    best = 0.0
    for text in (entry.subject or "", *entry.aliases):
        if text:
            best = max(best, len(g & _grams(text)) / len(g))
    return best


# ---------------------------------------------------------------- registry

_ROMAN = {"9": "IX", "10": "X", "11": "XI", "12": "XII", "13": "XIII", "14": "XIV"}


def normalise_term(term: str) -> str:
    """"khóa XI", "Khoá 11", "xi" → "XI"."""
    t = re.sub(r"^kho[aá]\s*", "", fold(term).strip()).strip("() ").upper()
    return _ROMAN.get(t, t)


def _in_term(entry: Entry, term: str) -> bool:
    term = normalise_term(term)
    if entry.term:
        return entry.term == term
    if not entry.issued or term not in TERM_START:
        return True
    day = dt.date.fromisoformat(entry.issued)
    terms = list(TERM_START)
    nxt = terms.index(term) + 1
    end = TERM_START[terms[nxt]] if nxt < len(terms) else dt.date.max
    return TERM_START[term] <= day < end


def _before(entry: Entry, before: str) -> bool:
    if entry.issued:
        return entry.issued <= before
    return entry.year is None or entry.year <= int(before[:4])


class Registry:
    def __init__(self, entries: list[Entry]):
        self._entries = {e.key: e for e in entries}
        self._by_symbol: dict[str, list[Entry]] = {}
        for e in entries:
            self._by_symbol.setdefault(symbol_form(e.symbol), []).append(e)
        for v in self._by_symbol.values():
            v.sort(key=lambda e: e.issued or str(e.year or ""))
        self._alias: dict[str, str] = {}
        for e in entries:
            for a in e.aliases:
                self._alias[alias_form(a)] = e.key
        self._alias_list = sorted(((a, e.key) for e in entries for a in e.aliases),
                                  key=lambda p: (-len(p[0]), p[0]))

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Entry | None:
        """Entry by key; the symbol part may be written loosely ("28-NQ/TW @2013")."""
        if key in self._entries:
            return self._entries[key]
        symbol, year = _split_key(key)
        for e in self.by_symbol(symbol):
            if year is None and "@" not in e.key or year is not None and e.year == year:
                return e
        return None

    def by_symbol(self, symbol: str) -> list[Entry]:
        """Every registered document with this symbol, oldest first."""
        return list(self._by_symbol.get(symbol_form(symbol), ()))

    def aliases(self) -> list[tuple[str, str]]:
        """(alias as registered, key), longest first, for scanning text."""
        return list(self._alias_list)

    def match_alias(self, text: str) -> Entry | None:
        key = self._alias.get(alias_form(text))
        return self._entries[key] if key else None

    def replaced_by(self, key: str) -> list[Entry]:
        """Documents that supersede ``key``."""
        return [e for e in self if key in e.replaces]

    def resolve(self, symbol: str, *, issuer: str | None = None, term: str | None = None,
                before: str | None = None, subject: str | None = None,
                year: int | None = None) -> Entry | None:
        """The one registered document an article means by ``symbol``, or None.

        Year, term (khóa) and ``before`` (the article's date) cut candidates
        out. Then a subject that clearly matches one candidate decides, even
        against the issuer the article names (articles misattribute issuers
        more often than subjects). Otherwise the issuer filters, and a subject
        that shares nothing with a candidate rules it out. Several left: None.
        """
        symbol, key_year = _split_key(symbol)
        year = year or key_year
        cands = self.by_symbol(symbol)
        if year is not None:
            cands = [e for e in cands if e.year == year]
        if term:
            cands = [e for e in cands if _in_term(e, term)]
        if before:
            cands = [e for e in cands if _before(e, before)]
        if not cands:
            return None
        scores = {e.key: subject_score(subject, e) for e in cands} if subject else {}
        if scores:
            ranked = sorted(cands, key=lambda e: -scores[e.key])
            top = scores[ranked[0].key]
            runner_up = scores[ranked[1].key] if len(ranked) > 1 else 0.0
            if top >= 0.6 and top - runner_up >= 0.25:
                return ranked[0]
        if issuer:
            cands = [e for e in cands if issuer_compatible(issuer, e.issuer)]
        if scores and len(_grams(subject)) >= 2:
            cands = [e for e in cands if scores[e.key] > 0]
        return cands[0] if len(cands) == 1 else None


# ---------------------------------------------------------------- loading

def _entry(raw: dict) -> Entry:
    reviews = tuple(Review(r["kind"], r.get("years"), r.get("months")) for r in raw.get("reviews") or ())
    issued = raw.get("issued")
    return Entry(
        key=raw["key"],
        symbol=raw["symbol"],
        type=raw["type"],
        number=str(raw["number"]),
        issued=issued.isoformat() if isinstance(issued, dt.date) else issued,
        issuer=raw.get("issuer"),
        subject=raw.get("subject"),
        term=raw.get("term"),
        plenum=raw.get("plenum"),
        aliases=tuple(raw.get("aliases") or ()),
        reviews=reviews,
        replaces=tuple(raw.get("replaces") or ()),
        topics=tuple(raw.get("topics") or ()),
        source_note=raw.get("source_note"),
    )


# libyaml when present: the pure-Python loader takes over a second on this file.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_entries(text: str) -> list[Entry]:
    """Entries of a registry YAML text (a list under ``documents``)."""
    data = yaml.load(text, Loader=_LOADER)
    return [_entry(raw) for raw in data["documents"]]


@functools.cache
def load() -> Registry:
    """The packaged registry, read once."""
    text = resources.files("vnpolicy").joinpath("data/registry.yaml").read_text(encoding="utf-8")
    return Registry(read_entries(text))
