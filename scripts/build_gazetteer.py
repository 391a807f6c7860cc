"""Build ``src/vnpolicy/data/admin_units.json`` from the ``vietnamadminunits`` package.

Run from the repository root after upgrading that package:

    .venv/bin/python scripts/build_gazetteer.py

The package carries the 63 provinces and their districts as they stood just
before the 2025 merger (table ``admin_units_legacy``), the 34 units after it
(``admin_units``) and the old→new province mapping (``converter_2025.json``).
Reading its 7 MB SQLite file at every start would be slow, so the few
thousand names the gazetteer needs are written once to a compact JSON file
that ships as package data; the runtime never imports the package.

Decisions made here (not in the package):
- the province the package calls "Huế" (a city since 1 Jan 2025) keeps its
  63-province name "Thừa Thiên Huế", the name the records use;
- districts merged away before 2025 survive in the package only as folded
  aliases ("huyennamdong"); their spelling is recovered from a commune of the
  same folded name in the same old or new province (the 2025 communes often
  took the old district names), and dropped when none is found.
"""
from __future__ import annotations

import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path

import vietnamadminunits

PKG = Path(vietnamadminunits.__file__).parent / "data"
OUT = Path(__file__).resolve().parents[1] / "src" / "vnpolicy" / "data" / "admin_units.json"
RENAMED = {"Huế": "Thừa Thiên Huế"}
TYPE_PREFIXES = {"huyen": "Huyện", "thixa": "Thị xã", "thanhpho": "Thành phố", "quan": "Quận"}


def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).casefold().replace(" ", "")


def split_key(key: str) -> tuple[str, str] | None:
    """'huyennamdong' → ('Huyện', 'namdong'); abbreviations and numbered quận → None."""
    for prefix, kind in TYPE_PREFIXES.items():
        if key.startswith(prefix) and key[len(prefix):].isalpha():
            return kind, key[len(prefix):]
    return None


def main() -> None:
    db = sqlite3.connect(PKG / "dataset.db")
    converter = json.loads((PKG / "converter_2025.json").read_text())["DICT_PROVINCE"]
    legacy_parser = json.loads((PKG / "parser_legacy.json").read_text())

    old = {}  # provinceKey -> canonical name
    for key, short, code in db.execute(
        "SELECT DISTINCT provinceKey, provinceShort, provinceCode FROM admin_units_legacy ORDER BY provinceCode"
    ):
        old[key] = RENAMED.get(short, short)
    new = dict(db.execute("SELECT DISTINCT provinceKey, provinceShort FROM admin_units ORDER BY provinceCode"))
    old_to_new = {old[o]: new[n] for n, olds in converter.items() for o in olds}
    assert len(old) == 63 and len(new) == 34 and set(old_to_new) == set(old.values()), "package data changed"

    districts = []  # [name, type, province]
    current = defaultdict(set)  # provinceKey -> folded current district names
    for pkey, short, kind in db.execute(
        "SELECT DISTINCT provinceKey, districtShort, districtType FROM admin_units_legacy ORDER BY districtCode"
    ):
        short = re.sub(r" \((?:Huyện|Thị xã|Thành phố|Quận)\)$", "", short)  # "Cai Lậy (Huyện)"
        districts.append([short, kind, old[pkey]])
        current[pkey].add(fold(short.removeprefix("Quận ") if short.startswith("Quận ") else short))

    # Spellings of commune names, per old and per new province, to restore former district names.
    spelled = defaultdict(Counter)
    for pkey, ward in db.execute("SELECT provinceKey, wardShort FROM admin_units_legacy WHERE wardShort IS NOT NULL"):
        spelled[pkey, fold(ward)][ward] += 1
    for pkey, ward in db.execute("SELECT provinceKey, wardShort FROM admin_units"):
        spelled["new:" + pkey, fold(ward)][ward] += 1
    new_of = {o: n for n, olds in converter.items() for o in olds}

    former_keys = []  # (provinceKey, alias key)
    for pkey, aliases in db.execute(
        "SELECT DISTINCT provinceKey, districtAlias FROM admin_units_legacy WHERE districtAlias IS NOT NULL"
    ):
        former_keys += [(pkey, a) for a in json.loads(aliases)]
    for pkey, divided in legacy_parser["DICT_PROVINCE_DISTRICT_DIVIDED"].items():
        former_keys += [(pkey, k) for k in divided]

    former, missing = [], []
    for pkey, key in former_keys:
        parts = split_key(key)
        if not parts or parts[1] in current[pkey]:
            continue
        kind, folded = parts
        found = spelled.get(("new:" + new_of[pkey], folded)) or spelled.get((pkey, folded))
        if found:
            row = [found.most_common(1)[0][0], kind, old[pkey]]
            if row not in former:
                former.append(row)
        else:
            missing.append(key)
    # Quận 2 and Quận 9 of Hồ Chí Minh became Thủ Đức city in 2021.
    for pkey, aliases in db.execute(
        "SELECT DISTINCT provinceKey, districtAlias FROM admin_units_legacy WHERE districtAlias LIKE '%quan2%'"
    ):
        former += [[f"Quận {n}", "Quận", old[pkey]] for n in (2, 9) if f'"quan{n}"' in aliases]

    # District names that are also commune names in other provinces: a bare
    # mention of them is more likely a commune (or an ordinary word) than the district.
    commune_provinces = defaultdict(set)
    for pkey, ward in db.execute("SELECT DISTINCT provinceKey, wardShort FROM admin_units_legacy WHERE wardShort IS NOT NULL"):
        commune_provinces[ward].add(old[pkey])
    shared = {
        name: len(commune_provinces[name] - {p for n, _, p in districts + former if n == name})
        for name, _, _ in districts + former
    }

    data = {
        "source": f"vietnamadminunits {metadata.version('vietnamadminunits')}",
        "provinces_old": list(old.values()),
        "provinces_new": list(new.values()),
        "old_to_new": old_to_new,
        "province_keywords": {
            old[k]: v["provinceKeywords"] for k, v in legacy_parser["DICT_PROVINCE"].items()
        },
        "districts": districts,
        "former_districts": former,
        "commune_name_elsewhere": {n: k for n, k in sorted(shared.items()) if k},
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(old)} old, {len(new)} new provinces, {len(districts)} districts, "
          f"{len(former)} former districts; no spelling for {missing}", file=sys.stderr)


if __name__ == "__main__":
    main()
