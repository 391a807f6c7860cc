"""Vietnamese places: provinces (63 before the 2025 merger, 34 after), districts,
military regions, and the provinces of local news sites.

Data (package data under ``vnpolicy/data``, read once, no network):
- ``admin_units.json`` — generated from the ``vietnamadminunits`` package by
  ``scripts/build_gazetteer.py``: provinces old and new, the old→new mapping,
  the pre-2025 districts (huyện, quận, thị xã, thành phố thuộc tỉnh) and
  districts merged away since 2019.
- ``place_names.yaml`` — press spellings of provinces ("TPHCM", "Đắc Lắc").
- ``military_regions.yaml`` — quân khu and the provinces each covers.
- ``sites.yaml`` — news hosts and portals → province.

Canonical province names are the 63-province names without "tỉnh"/"thành
phố" ("Sóc Trăng", "Hồ Chí Minh", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu");
``canonical`` maps any spelling of an old or new unit to them ("Huế" → "Thừa
Thiên Huế": records keep the name the article's time knew).
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ahocorasick
import yaml

from vnpolicy.text import fold, match_form

CENTRAL_CITIES = frozenset({"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Thừa Thiên Huế"})
# A bare mention of a district name shared with communes in this many other
# provinces is more likely one of those communes (or an ordinary word).
COMMUNE_CLASH = 3
# Words that, written just before a bare name, make it a person's name
# ("Nguyễn Hòa Bình", "Phan Văn Giang") rather than a place.
NAME_WORDS = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lâm Đào "
    "Cao Tô Tạ Lương Vương Trịnh Mai Hà Thái Quách Lưu Chu Tống Triệu Kiều Lò Giàng Sùng Thào "
    "Văn Thị Đức Hữu".split()
)
# Words that, written just before a name, make it a commune, street or natural
# feature ("xã Hòa Bình", "đường Hai Bà Trưng"); not "cầu": "điểm cầu Hà Nội".
LOWER_UNIT_WORDS = frozenset("xã phường đường phố ấp thôn bản làng khóm sông núi đèo Xã Phường Đường Phố".split())
_PREFIX = re.compile(
    r"(?<![^\W\d_])(?:"
    r"(?P<province>[Tt]ỉnh(?: ủy)?|TỈNH(?: ỦY)?|Thủ đô)"
    r"|(?P<city>[Tt]hành phố|[Tt]hành ủy|THÀNH (?:PHỐ|ỦY)|T[Pp]\.?|tp\.)"
    r"|(?P<district>[Hh]uyện(?: ủy| đảo)?|HUYỆN(?: ỦY)?|[Qq]uận(?: ủy)?|QUẬN(?: ỦY)?|[Tt]hị xã|THỊ (?:XÃ|ỦY)|[Tt]hị ủy|T[Xx]\.?)"
    r") ?$"
)
_HOST = re.compile(r"(?i)\b(?:[a-z0-9-]+\.)+(?:vn|com|net|org|info|gov)\b")
_DATELINE = re.compile(r"\(([A-ZĐ]{2,6})\)")
_SITE_PREFIXES = ("bao", "tinhuy", "thanhuy", "congan", "thanhpho", "huyen", "thixa", "quan", "tp", "tx")
_SITE_SUFFIXES = ("tv", "24h", "online")
_QK = re.compile(r"^Quân khu (\d)$")


@dataclass(frozen=True)
class Place:
    """A place mentioned in the text.

    ``start``/``end``/``surface`` cover the name with its administrative
    prefix when it has one ("huyện Chư Păh"); ``name`` is the canonical name
    of the unit itself (province, district or region); ``province`` is the
    63-province name it lies in, ``None`` for regions and ambiguous districts.
    """

    start: int
    end: int
    surface: str
    province: str | None
    level: str  # "province" | "district" | "region"
    prefixed: bool
    name: str


@dataclass
class _Entry:
    """Everything one surface form can name."""

    province: str | None = None  # a spelling of this province
    province_bare: bool = False  # may name it without prefix
    districts: list[tuple[str, str, str]] | None = None  # (name, type, province)
    district_bare: bool = False
    region: str | None = None
    prefixed: bool = False  # the form carries its own prefix ("Quận 1")
    stop: bool = False  # not a place: wins as the longest match, then dropped


def _data(name: str) -> str:
    return resources.files("vnpolicy").joinpath("data", name).read_text(encoding="utf-8")


@cache
def _units() -> dict:
    return json.loads(_data("admin_units.json"))


@cache
def _yaml(name: str) -> dict:
    return yaml.load(_data(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _norm(s: str) -> str:
    return match_form(unicodedata.normalize("NFC", s)).strip()


def _key(s: str) -> str:
    """Spelling-insensitive key: folded, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", fold(_norm(s)))


def _spellings(name: str) -> set[str]:
    """Dash, apostrophe and "Đắk/Đăk" variants of a name as the press writes it."""
    out = {name}
    if " - " in name:
        out |= {name.replace(" - ", d) for d in ("-", " – ", "–", " ", " -", "- ")}
    for word in ("Đắk", "Đăk", "Đak"):
        out |= {s.replace(word, other) for s in out if word in s for other in ("Đắk", "Đăk", "Đak")}
    out |= {re.sub(r"'(\w)", lambda m: "'" + f(m.group(1)), s) for s in out for f in (str.upper, str.lower)}
    out |= {s.replace("'", "’") for s in out} | {s.replace("KBang", "Kbang") for s in out}
    return out


PROVINCES_OLD: tuple[str, ...] = tuple(_units()["provinces_old"])
PROVINCES_NEW: tuple[str, ...] = tuple(_units()["provinces_new"])


@cache
def _province_keys() -> dict[str, str]:
    units, names = _units(), _yaml("place_names.yaml")
    keys: dict[str, str] = {}
    for new in PROVINCES_NEW:
        olds = new_to_old(new)
        keys[_key(new)] = new if new in olds else olds[0]
    for prov, words in units["province_keywords"].items():
        keys.update({w: prov for w in words})
    for old in PROVINCES_OLD:
        keys[_key(old)] = old
    for alias, prov in {**names["province_aliases"], **names["prefixed_only"]}.items():
        keys[_key(alias)] = prov
    for prov, slugs in _yaml("sites.yaml")["slugs"].items():
        keys.update({s: prov for s in slugs})
    return keys


def canonical(name: str) -> str | None:
    """Any spelling of a province, old or new, → its 63-province canonical name."""
    s = re.sub(r"^(?:tỉnh|thành phố|tp\.?)\s*", "", _norm(name), flags=re.I)
    return _province_keys().get(_key(s)) if s else None


@cache
def _old_to_new() -> dict[str, str]:
    return _units()["old_to_new"]


def old_to_new(old: str) -> str | None:
    """The 2025 unit an old province became part of ("Sóc Trăng" → "Cần Thơ")."""
    c = canonical(old)
    return _old_to_new().get(c) if c else None


@cache
def _new_to_old() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for old in PROVINCES_OLD:
        out[_old_to_new()[old]].append(old)
    return dict(out)


def new_to_old(new: str) -> list[str]:
    """The old provinces merged into a 2025 unit, in official code order."""
    table = _new_to_old()
    n = _norm(new)
    if n in table:
        return list(table[n])
    c = canonical(n)  # another spelling of a new unit: "TPHCM", "Thừa Thiên - Huế"
    unit = _old_to_new().get(c) if c else None
    if unit and (c == unit or table[unit] == [c]):
        return list(table[unit])
    return []


@cache
def _regions() -> dict[str, dict]:
    return _yaml("military_regions.yaml")


@cache
def _region_of() -> dict[str, str]:
    return {p: r for r, v in _regions().items() for p in v["provinces"]}


def military_region(province: str) -> str | None:
    """The military region (or the Capital Command) covering a pre-2025 province."""
    c = canonical(province)
    return _region_of().get(c) if c else None


def _region_key(region: str) -> str | None:
    n = _norm(region)
    m = re.fullmatch(r"(?:Quân khu|QK)\.? ?(\d)", n, flags=re.I)
    if m:
        n = f"Quân khu {m.group(1)}"
    for name, v in _regions().items():
        if n == name or n in v["aliases"]:
            return name
    return None


def region_provinces(region: str) -> list[str]:
    """The pre-2025 provinces of a military region ("Quân khu 9", "QK9")."""
    r = _region_key(region)
    return list(_regions()[r]["provinces"]) if r else []


@cache
def _sites() -> tuple[dict[str, str | None], dict[str, str]]:
    """(explicit host labels → province or None, folded slugs → province)."""
    data = _yaml("sites.yaml")
    labels: dict[str, str | None] = {h: None for h in data["national"]}
    labels.update(data["hosts"])
    slugs = {_key(p): p for p in PROVINCES_OLD}
    for prov, extra in data["slugs"].items():
        slugs.update({s: prov for s in extra})
    return labels, slugs


def _label_province(label: str, slugs: dict[str, str]) -> str | None:
    if label in slugs:
        return slugs[label]
    for p in _SITE_PREFIXES:
        if label.startswith(p) and label[len(p):] in slugs:
            return slugs[label[len(p):]]
        if label.startswith(p) and label[len(p):] in _district_slugs():
            return _district_slugs()[label[len(p):]]
    for s in _SITE_SUFFIXES:
        if label.endswith(s) and label[: -len(s)] in slugs:
            return slugs[label[: -len(s)]]
    return None


@cache
def _district_slugs() -> dict[str, str]:
    """Folded names of districts unique country-wide → province."""
    seen: dict[str, set[str]] = defaultdict(set)
    for name, _, prov in _all_districts():
        seen[_key(name)].add(prov)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and len(k) > 4}


def province_of_site(source: str) -> str | None:
    """Province of a local newspaper, TV or portal; ``None`` for national outlets.

    ``source`` is a URL, a host, an attribution ("Theo baosonla.org.vn",
    "Báo Sơn La") or a dateline code ("(GLO)").
    """
    host = _HOST.search(source)
    if host is None:
        code = _DATELINE.search(source)
        if code and code.group(1) in _yaml("sites.yaml")["datelines"]:
            return _yaml("sites.yaml")["datelines"][code.group(1)]
        found = {p.province for p in find_places(_norm(source)) if p.level == "province"}
        return found.pop() if len(found) == 1 else None
    labels, slugs = _sites()
    parts = [p.replace("-", "") for p in host.group(0).lower().split(".")]
    parts = [p for p in parts if p not in ("www", "vn", "com", "net", "org", "info", "gov", "edu")]
    for p in parts:
        if p in labels:
            return labels[p]
    return next(filter(None, (_label_province(p, slugs) for p in parts)), None)


@cache
def _all_districts() -> tuple[tuple[str, str, str], ...]:
    u = _units()
    return tuple(tuple(d) for d in u["districts"] + u["former_districts"])


def district_provinces(name: str) -> list[str]:
    """Provinces that have (or had, since 2019) a district of this name: "Châu Thành" → ten."""
    return list(_district_index().get(_norm(name), ()))


@cache
def _district_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, set[str]] = defaultdict(set)
    for name, _, prov in _all_districts():
        index[_norm(name)].add(prov)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def _bare_district(name: str, provinces: set[str], clash: dict[str, int], not_bare: set[str]) -> bool:
    long_enough = len(name.split()) >= 2 or len(name) >= 6  # "Pleiku" yes, "Vinh" no
    return (
        len(provinces) == 1
        and long_enough
        and name not in not_bare
        and clash.get(name, 0) < COMMUNE_CLASH
        and not name.startswith("Quận ")
    )


@cache
def _automaton() -> tuple[ahocorasick.Automaton, dict[str, _Entry]]:
    names = _yaml("place_names.yaml")
    entries: dict[str, _Entry] = defaultdict(_Entry)

    def add_province(form: str, prov: str, bare: bool) -> None:
        for s in _spellings(_norm(form)):
            for f in (s, s.upper()):  # headlines in capitals
                e = entries[f]
                e.province, e.province_bare = prov, e.province_bare or bare

    for prov in PROVINCES_OLD:
        add_province(prov, prov, True)
    for new in PROVINCES_NEW:
        add_province(new, canonical(new) or new, True)
    for alias, prov in names["province_aliases"].items():
        add_province(alias, prov, True)
        if alias.upper().startswith("TP"):
            entries[_norm(alias)].prefixed = True
    for form, prov in names["prefixed_only"].items():
        add_province(form, prov, False)
        for f in (_norm(form), _norm(form).upper()):
            entries[f].province_bare = False

    by_name: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for name, kind, prov in _all_districts():
        by_name[_norm(name)].append((_norm(name), kind, prov))
    clash = _units()["commune_name_elsewhere"]
    not_bare = set(names["district_not_bare"])
    for name, rows in by_name.items():
        provinces = {p for _, _, p in rows}
        bare = _bare_district(name, provinces, clash, not_bare)
        forms = _spellings(name)
        if name.startswith("Quận "):
            forms |= {"quận" + f[4:] for f in forms}
        for s in forms:
            e = entries[s]
            e.districts = (e.districts or []) + rows
            e.district_bare = bare and not e.province
            e.prefixed = e.prefixed or name.startswith("Quận ")

    for region, v in _regions().items():
        forms = {region, *v["aliases"]}
        m = _QK.match(region)
        if m:
            n = m.group(1)
            forms |= {f"quân khu {n}", f"QK{n}", f"QK {n}", f"QK.{n}"}
        for s in forms:
            entries[s].region = region

    for phrase in names["not_places"]:
        entries[_norm(phrase)].stop = True

    auto = ahocorasick.Automaton()
    for form in entries:
        auto.add_word(form, form)
    auto.make_automaton()
    return auto, dict(entries)


def _prefix_kind(pm: re.Match) -> str:
    """"province", "city", or the district type a prefix announces ("Huyện", "Quận", "Thị xã")."""
    if pm.lastgroup != "district":
        return pm.lastgroup
    word = pm.group(0).lower()
    return "Huyện" if word.startswith("huyện") else "Quận" if word.startswith("quận") else "Thị xã"


def _resolve(e: _Entry, prefix: str | None) -> tuple[str, str | None, str] | None:
    """(level, province, name) of a form after a prefix kind, or None when it is no place."""
    if e.stop:
        return None
    if e.region:
        return "region", None, e.region
    if prefix == "province" and e.province:
        return "province", e.province, e.province
    if prefix == "city" and e.province and e.province in CENTRAL_CITIES:
        return "province", e.province, e.province
    if prefix is not None and prefix != "province" and e.districts:
        wanted = "Thành phố" if prefix == "city" else prefix
        rows = [r for r in e.districts if r[1] == wanted] or e.districts
        provinces = {p for _, _, p in rows}
        return "district", provinces.pop() if len(provinces) == 1 else None, rows[0][0]
    if e.province and (prefix is not None or e.province_bare):
        return "province", e.province, e.province
    if e.prefixed and e.districts:
        return "district", e.districts[0][2], e.districts[0][0]
    if prefix is None and e.district_bare:
        return "district", e.districts[0][2], e.districts[0][0]
    return None


def _word_before(m: str, start: int) -> str:
    j = start - 1
    if j < 0 or m[j] != " ":
        return ""
    i = j
    while i > 0 and m[i - 1].isalpha():
        i -= 1
    return m[i:j]


def _word_after(m: str, end: int) -> str:
    if end >= len(m) or m[end] != " ":
        return ""
    i = end + 1
    while i < len(m) and m[i].isalpha():
        i += 1
    return m[end + 1:i]


def _title(w: str) -> bool:
    return len(w) > 1 and w[0].isupper() and w[1:].islower()


def _bare_allowed(m: str, start: int, end: int, level: str) -> bool:
    """A bare name is a place unless a person's name or a lower unit surrounds it."""
    before = _word_before(m, start)
    if before in LOWER_UNIT_WORDS or before in NAME_WORDS:
        return False
    if level == "district":
        return not _title(before) and not _title(_word_after(m, end))
    return True


def find_places(m: str) -> list[Place]:
    """Provinces, districts and military regions in ``m`` (text in ``match_form``).

    Longest match wins; names are whole words; districts are found bare only
    when their name is unique, long and not a commune name elsewhere.
    """
    auto, entries = _automaton()
    hits = []
    for end_idx, form in auto.iter(m):
        start, end = end_idx - len(form) + 1, end_idx + 1
        if (start > 0 and m[start - 1].isalnum()) or (end < len(m) and m[end].isalnum()):
            continue
        hits.append((start, end, form))
    hits.sort(key=lambda h: (h[0] - h[1], h[0]))
    covered = bytearray(len(m))
    taken: list[tuple[int, int, str]] = []
    for start, end, form in hits:
        if not any(covered[start:end]):
            covered[start:end] = b"\x01" * (end - start)
            taken.append((start, end, form))
    taken.sort()

    places: list[Place] = []
    for start, end, form in taken:
        e = entries[form]
        pm = _PREFIX.search(m, max(0, start - 12), start)
        prefix = _prefix_kind(pm) if pm else None
        resolved = _resolve(e, prefix)
        if resolved is None:
            continue
        level, province, name = resolved
        if prefix is None and not e.prefixed and level != "region" and not _bare_allowed(m, start, end, level):
            continue
        s = pm.start() if pm else start
        places.append(Place(s, end, m[s:end], province, level, bool(pm) or e.prefixed, name))
    return _place_ambiguous(m, places)


def _place_ambiguous(m: str, places: list[Place]) -> list[Place]:
    """"huyện Châu Thành, tỉnh Sóc Trăng": a shared district name takes the province written right after it."""
    out = list(places)
    for i, p in enumerate(out[:-1]):
        nxt = out[i + 1]
        if p.level == "district" and p.province is None and nxt.level == "province":
            gap = m[p.end:nxt.start]
            candidates = {r[2] for r in _automaton()[1][p.name].districts or []}
            if re.fullmatch(r"[\s,(–-]*", gap) and nxt.province in candidates:
                out[i] = Place(p.start, p.end, p.surface, nxt.province, p.level, p.prefixed, p.name)
    return out
