"""The document registry: its data must be internally consistent, and the
resolver must pick the right year of a Party symbol from an article's clues."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from importlib import resources

import pytest
import yaml

from vnpolicy.registry import (
    DOCUMENT_TYPES, REVIEW_KINDS, TERM_START, Entry, Registry, alias_form, issuer_compatible,
    load, normalise_symbol, read_entries, symbol_form,
)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load()


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    text = resources.files("vnpolicy").joinpath("data/registry.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["documents"]


# ------------------------------------------------------------ schema

def test_has_enough_entries(reg):
    assert len(reg) >= 60


def test_keys_unique(raw):
    dupes = [k for k, n in Counter(d["key"] for d in raw).items() if n > 1]
    assert not dupes


_STATE_WITH_YEAR = re.compile(r"^\d+/(\d{4})/")


@pytest.mark.parametrize("field", ["key", "symbol", "type", "number"])
def test_required_fields_present(raw, field):
    assert all(d.get(field) for d in raw), [d.get("key") for d in raw if not d.get(field)]


def test_key_agrees_with_symbol_and_year(reg):
    for e in reg:
        m = _STATE_WITH_YEAR.match(e.symbol)
        if m:
            assert e.key == e.symbol, e.key
            if e.issued:
                assert e.issued[:4] == m.group(1), e.key
        else:
            assert e.key.startswith(e.symbol + "@"), e.key
            if e.issued:
                assert e.key == f"{e.symbol}@{e.issued[:4]}", e.key


def test_symbol_is_in_official_form(reg):
    for e in reg:
        assert normalise_symbol(e.symbol) == e.symbol, e.symbol
        assert e.symbol.split("-")[0].split("/")[0] == e.number, e.key


def test_types_allowed(reg):
    assert {e.type for e in reg} <= set(DOCUMENT_TYPES)


def test_type_agrees_with_symbol_code(reg):
    codes = {"NQ": "Nghị quyết", "CT": "Chỉ thị", "KL": "Kết luận", "QĐ": "Quy định",
             "NĐ": "Nghị định"}
    for e in reg:
        m = re.match(r"^\d+[-/](?:\d{4}/)?([^-/]+)", e.symbol)
        code = m.group(1) if m else None
        if code == "QĐ" and "TTg" in e.symbol:
            assert e.type == "Quyết định", e.key
        elif code in codes:
            assert e.type == codes[code], e.key


def test_issued_dates_parse(raw):
    for d in raw:
        issued = d.get("issued")
        if issued is not None:
            day = issued if isinstance(issued, dt.date) else dt.date.fromisoformat(issued)
            assert dt.date(1990, 1, 1) <= day <= dt.date(2026, 12, 31), d["key"]


def test_party_term_matches_issue_date(reg):
    for e in reg:
        if e.term and e.issued and e.term in TERM_START:
            assert TERM_START[e.term] <= dt.date.fromisoformat(e.issued), e.key
            later = [d for t, d in TERM_START.items() if d > TERM_START[e.term]]
            if later:
                assert dt.date.fromisoformat(e.issued) < min(later), e.key


def test_plenum_names_the_term(reg):
    for e in reg:
        if e.plenum:
            assert re.fullmatch(r"Trung ương \d+ khóa [IVX]+", e.plenum), e.key
            assert e.plenum.endswith(" " + (e.term or "")), e.key


def test_replaces_point_to_older_existing_entries(reg):
    for e in reg:
        for old in e.replaces:
            target = reg.get(old)
            assert target is not None, (e.key, old)
            assert target.key == old
            if e.issued and target.issued:
                assert target.issued < e.issued


def test_reviews_well_formed(reg):
    for e in reg:
        for r in e.reviews:
            assert r.kind in REVIEW_KINDS
            assert (r.years or 0) > 0 or (r.months or 0) > 0


def test_aliases_unambiguous_after_normalisation(reg):
    keys: dict[str, set[str]] = {}
    for alias, key in reg.aliases():
        keys.setdefault(alias_form(alias), set()).add(key)
    assert not {a: k for a, k in keys.items() if len(k) > 1}


def test_alias_form_unifies_spellings():
    assert alias_form("NQ TW8 (Khoá XI)") == alias_form("Nghị quyết Hội nghị Trung ương 8 khóa XI")
    assert alias_form("NQTW8 khóa XI") == alias_form("Nghị quyết Trung ương 8 khóa XI")
    assert alias_form("Nghị quyết Trung ương 8 khóa XI") != alias_form("Nghị quyết Trung ương 8 khóa XII")


def test_aliases_longest_first(reg):
    lengths = [len(a) for a, _ in reg.aliases()]
    assert lengths == sorted(lengths, reverse=True)


def test_gold_documents_with_years_are_registered(reg, shared_dir):
    """Every central-level document the dev gold keys with a year is known."""
    missing = set()
    for path in sorted((shared_dir / "gold" / "dev").glob("*.json")):
        for doc in json.loads(path.read_text(encoding="utf-8"))["documents"]:
            key = doc["key"]
            central = re.search(r"/(TW|QUTW)@|NĐ-CP|QĐ-TTg", key)
            if central and reg.get(key) is None and reg.resolve(key) is None:
                missing.add(key)
    assert not missing


def test_registry_issued_agrees_with_gold(reg, shared_dir):
    """Where the gold gives a registry document's issue date, they agree."""
    for path in sorted((shared_dir / "gold" / "dev").glob("*.json")):
        for doc in json.loads(path.read_text(encoding="utf-8"))["documents"]:
            e = reg.get(doc["key"])
            if e and doc.get("issued") and e.issued:
                assert e.issued == doc["issued"], doc["key"]


def test_read_entries_parses_dates_and_reviews():
    text = """documents:
- key: 7-NQ/TW@2099
  symbol: 7-NQ/TW
  type: Nghị quyết
  number: "7"
  issued: 2099-01-02
  issuer: Bộ Chính trị
  reviews: [{kind: so_ket, years: 3}]
"""
    (e,) = read_entries(text)
    assert e.issued == "2099-01-02" and e.year == 2099
    assert e.reviews[0].years == 3 and e.aliases == ()


# ------------------------------------------------------------ symbols

@pytest.mark.parametrize("written, official", [
    ("21 / 2019 / ND-CP", "21/2019/NĐ-CP"),
    ("44 - NQ/TW", "44-NQ/TW"),
    ("06/qđ-ttg", "06/QĐ-TTg"),
    ("57-QD/TW", "57-QĐ/TW"),
    ("43/2022/qh15", "43/2022/QH15"),
])
def test_normalise_symbol(written, official):
    assert normalise_symbol(written) == official


def test_by_symbol_lists_every_year(reg):
    years = [e.year for e in reg.by_symbol("28 - NQ/TW")]
    assert years == sorted(years) and {2008, 2013} <= set(years)


def test_get_tolerates_spelling_of_symbol(reg):
    assert reg.get("21/2019/ND-CP").key == "21/2019/NĐ-CP"
    assert reg.get("6/QĐ-TTg@2022").key == "06/QĐ-TTg@2022"
    assert reg.get("1719/QĐ-TTg") is None  # needs its year
    assert symbol_form("04-NQ/TW") == symbol_form("4-NQ/TW")


# ------------------------------------------------------------ aliases

@pytest.mark.parametrize("text, key", [
    ("Nghị quyết Trung ương 8 khóa XI", "28-NQ/TW@2013"),
    ("Nghị quyết Trung ương 8 khoá XI", "28-NQ/TW@2013"),        # old tone placement
    ("nq tw8 khoá xi", "28-NQ/TW@2013"),
    ("NQ TW8 (Khóa XI)", "28-NQ/TW@2013"),
    ("Nghị quyết Trung ương 4  khóa XII", "04-NQ/TW@2016"),
    ("Đề án 06", "06/QĐ-TTg@2022"),
    ("Nghị quyết số 57 về khoa học công nghệ", "57-NQ/TW@2024"),
    ("Nghị quyết Trung ương 8 khoá XIII về Chiến lược bảo vệ Tổ quốc", "44-NQ/TW@2023"),
    ("Nghị quyết Trung ương 7 khóa X", "26-NQ/TW@2008"),
    ("Nghị quyết Hội nghị TW 9 (khóa XI)", "33-NQ/TW@2014"),
    ("Luật Biên phòng Việt Nam năm 2020", "66/2020/QH14"),
])
def test_match_alias(reg, text, key):
    e = reg.match_alias(text)
    assert e is not None and e.key == key


def test_plenum_alias_without_subject_is_not_guessed(reg):
    # Trung ương 8 khóa XIII adopted several resolutions: the bare plenum name
    # must not resolve to one of them.
    assert reg.match_alias("Nghị quyết Trung ương 8 khóa XIII") is None


# ------------------------------------------------------------ issuers

@pytest.mark.parametrize("given, registered, ok", [
    ("Bộ Chính trị", "Bộ Chính trị", True),
    ("Bộ Chính trị khóa XII", "Bộ Chính trị", True),
    ("Bộ Chính trị", "Ban Chấp hành Trung ương Đảng", False),
    ("Ban Chấp hành Trung ương", "Ban Chấp hành Trung ương Đảng", True),
    ("BCH Trung ương Đảng khóa XI", "Ban Chấp hành Trung ương Đảng", True),
    ("Trung ương", "Bộ Chính trị", True),
    ("Trung ương", "Ban Chấp hành Trung ương Đảng", True),
    ("Ban Bí thư", "Bộ Chính trị", False),
    ("Chính phủ", "Thủ tướng Chính phủ", True),
    ("Quốc hội", "Chính phủ", False),
    ("Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng (khóa XI)", "Ban Chấp hành Trung ương Đảng", True),
    ("Hội nghị Trung ương 8", "Bộ Chính trị", False),
    ("Ban Chấp hành Trung ương Hội Nông dân Việt Nam", "Ban Chấp hành Trung ương Đảng", False),
])
def test_issuer_compatible(given, registered, ok):
    assert issuer_compatible(given, registered) is ok


# ------------------------------------------------------------ resolve

def test_resolve_by_subject_picks_defence_zone_resolution(reg):
    e = reg.resolve("28-NQ/TW", subject="xây dựng tỉnh, thành phố thành khu vực phòng thủ vững chắc")
    assert e.key == "28-NQ/TW@2008"


def test_resolve_by_subject_picks_homeland_strategy(reg):
    e = reg.resolve("28-NQ/TW", subject="chiến lược bảo vệ Tổ quốc trong tình hình mới")
    assert e.key == "28-NQ/TW@2013"


def test_resolve_without_clues_is_ambiguous(reg):
    assert reg.resolve("28-NQ/TW") is None


def test_resolve_by_issuer(reg):
    assert reg.resolve("29-NQ/TW", issuer="Bộ Chính trị").key == "29-NQ/TW@2018"
    # Two Central Committee resolutions numbered 29 (2013, 2022): ambiguous ...
    assert reg.resolve("29-NQ/TW", issuer="Ban Chấp hành Trung ương Đảng") is None
    # ... until the article's date rules out the later one.
    e = reg.resolve("29-NQ/TW", issuer="Ban Chấp hành Trung ương", before="2019-05-01")
    assert e.key == "29-NQ/TW@2013"


def test_resolve_generic_centre_needs_more(reg):
    assert reg.resolve("29-NQ/TW", issuer="Trung ương") is None
    e = reg.resolve("29-NQ/TW", issuer="Trung ương", subject="bảo vệ Tổ quốc trên không gian mạng")
    assert e.key == "29-NQ/TW@2018"


def test_resolve_before_cuts_off_later_documents(reg):
    assert reg.resolve("33-NQ/TW", before="2016-03-01").key == "33-NQ/TW@2014"
    assert reg.resolve("59-NQ/TW", before="2024-12-31").key == "59-NQ/TW@2020"
    assert reg.resolve("59-NQ/TW", before="2007-01-01") is None


def test_resolve_by_term_and_year(reg):
    assert reg.resolve("33-NQ/TW", term="XII").key == "33-NQ/TW@2018"
    assert reg.resolve("33-NQ/TW", term="xi").key == "33-NQ/TW@2014"
    assert reg.resolve("33-NQ/TW", term="khoá 12").key == "33-NQ/TW@2018"
    assert reg.resolve("59-NQ/TW", year=2025).key == "59-NQ/TW@2025"
    assert reg.resolve("28-NQ/TW@2008").key == "28-NQ/TW@2008"


def test_resolve_subject_outweighs_misattributed_issuer(reg):
    e = reg.resolve("28-NQ/TW", issuer="Bộ Chính trị", subject="Chiến lược bảo vệ Tổ quốc trong tình hình mới")
    assert e.key == "28-NQ/TW@2013"


def test_resolve_unrelated_subject_rejects_single_candidate(reg):
    # Only one 24-CT/TW is registered; an article's 24-CT/TW about something
    # else entirely is another document.
    assert reg.resolve("24-CT/TW", subject="an ninh quốc gia trong bối cảnh hội nhập").key == "24-CT/TW@2023"
    assert reg.resolve("24-CT/TW", subject="phát triển giao thông nông thôn miền núi") is None


def test_resolve_state_symbols(reg):
    assert reg.resolve("21/2019/ND-CP").key == "21/2019/NĐ-CP"
    assert reg.resolve("1719/QĐ-TTg", before="2024-01-01").key == "1719/QĐ-TTg@2021"
    assert reg.resolve("06 / QĐ-TTg").key == "06/QĐ-TTg@2022"


def test_resolve_unknown_symbol(reg):
    assert reg.resolve("9999-NQ/TW") is None


def test_replaced_by(reg):
    assert [e.key for e in reg.replaced_by("28-NQ/TW@2013")] == ["44-NQ/TW@2023"]
    assert [e.key for e in reg.replaced_by("77/2010/NĐ-CP")] == ["03/2019/NĐ-CP"]
    assert reg.replaced_by("44-NQ/TW@2023") == []


def test_entry_year_without_issue_day():
    e = Entry(key="31-KL/TW@2018", symbol="31-KL/TW", type="Kết luận", number="31", issued=None,
              issuer=None, subject=None, term=None, plenum=None)
    assert e.year == 2018
