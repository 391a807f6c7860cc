"""The quickstart path end to end: the demo articles in ``examples/`` through the CLI.

The articles were written for the demo (invented people, real provinces and
real document symbols), so the facts below are what a reader of each article
finds in it. The store tests use a temporary SQLite file, as
``scripts/quickstart.sh`` does with the default one.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vnpolicy.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# file stem -> what the article reports; events are (kind, period, date, documents or None
# when the article leaves the link open); people map a name to its rank, or to
# (rank, positions) where the positions are checked too
EXPECTED = {
    "01-quang-tri": dict(
        published="2024-03-12", province="Quảng Trị",
        events=[("quan_triet", None, "2024-03-12", ["44-NQ/TW@2023", "24-CT/TW@2023"])],
        documents=["44-NQ/TW@2023", "24-CT/TW@2023", "28-NQ/TW@2008"],
        people={"Trương Đức Khải": None,
                "Hoàng Thị Mỹ Lan": (None, ["Phó Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"]),
                "Lê Văn Thịnh": ("Đại tá", ["Ủy viên Ban Thường vụ Tỉnh ủy",
                                            "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh"])}),
    "02-nghe-an": dict(
        published="2019-06-18", province="Nghệ An",
        events=[("so_ket", "5 năm", "2019-06-18", ["33-NQ/TW@2014"])],
        documents=["33-NQ/TW@2014", "05-CT/TW@2016"],
        people={"Nguyễn Hữu Phước": "Đại tá",
                "Trần Minh Đạo": ("Thượng tá", ["Phó Chính ủy Bộ Chỉ huy Quân sự tỉnh"])}),
    "03-binh-dinh": dict(
        published="2023-09-26", province="Bình Định",
        events=[("tong_ket", "10 năm", "2023-09-26", ["28-NQ/TW@2013"])],
        documents=["28-NQ/TW@2013", "21/2019/NĐ-CP"],
        people={"Phan Thanh Bình": None, "Đặng Quốc Hưng": "Thiếu tướng", "Vũ Thị Thu Hà": None},
        awards=[("Bằng khen", 5, 12)]),
    "04-lam-dong": dict(
        published="2024-07-09", province="Lâm Đồng",
        events=[("giao_ban", "6 tháng", "2024-07-09", ["03/2019/NĐ-CP"])],
        documents=["03/2019/NĐ-CP"],
        people={"Võ Thành Luân": "Đại tá", "Ngô Quang Thái": "Đại tá"}),
    "05-ha-giang": dict(
        published="2023-10-19", province="Hà Giang",
        events=[("dien_tap", None, "2023-10-19", None)],
        documents=["28-NQ/TW@2008", "21/2019/NĐ-CP"],
        people={"Hà Văn Khang": "Thiếu tướng", "Lục Thị Hoa": None, "Mai Đức Sơn": None}),
    "06-tay-ninh": dict(
        published="2025-01-10", province="Tây Ninh",
        events=[("so_ket", "3 năm", "2025-01-10", ["06/QĐ-TTg@2022"])],
        documents=["06/QĐ-TTg@2022"],
        people={"Võ Minh Tâm": None, "Châu Văn Lộc": ("Đại tá", ["Giám đốc Công an tỉnh"])},
        not_people=["Thanh Hương", "Minh Khôi"]),
    "07-an-giang": dict(
        published="2020-01-08", province="An Giang",
        events=[("quan_triet", None, "2020-01-08", ["51-NQ/TW@2019"]),
                ("so_ket", "5 năm", "2020-01-08", ["01/CT-TTg@2015"])],
        documents=["51-NQ/TW@2019", "01/CT-TTg@2015"],
        people={"Lâm Quốc Trung": "Đại tá", "Trịnh Thị Ngọc Hân": None}),
    "08-thanh-hoa": dict(
        published="2022-03-15", province="Thanh Hóa",
        events=[("quan_triet", None, "2022-03-15", ["847-NQ/QUTW@2021"])],
        documents=["847-NQ/QUTW@2021"],  # not 16-CT/TU: a headline under "Tin khác"
        people={"Bùi Đình Nghĩa": "Đại tá"},
        not_people=["Hồng Quân"]),
}

STEMS = sorted(EXPECTED)
runner = CliRunner()


def cli(*args: str, db: Path | None = None) -> str:
    env = {"VNPOLICY_DB": str(db)} if db else None
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, f"vnpolicy {' '.join(args)} failed:\n{result.output}{result.exception!r}"
    return result.stdout


def parse_json(out: str) -> list[dict]:
    """A JSON array, or JSON Lines; either way a list of objects."""
    out = out.strip()
    if not out:
        return []
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        return [json.loads(line) for line in out.splitlines() if line.strip()]
    return data if isinstance(data, list) else [data]


def test_examples_cover_every_file():
    assert sorted(p.stem for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".html")) == STEMS


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    files = sorted(str(p) for p in EXAMPLES.iterdir() if p.stem in EXPECTED)
    return {r["id"]: r for r in parse_json(cli("extract", *files, "--jsonl"))}


@pytest.mark.parametrize("stem", STEMS)
def test_published_and_province(records, stem):
    assert (records[stem]["published"], records[stem]["province"]) == \
        (EXPECTED[stem]["published"], EXPECTED[stem]["province"])


@pytest.mark.parametrize("stem", STEMS)
def test_documents(records, stem):
    keys = [d["key"] for d in records[stem]["documents"]]
    assert keys == EXPECTED[stem]["documents"]


@pytest.mark.parametrize("stem", STEMS)
def test_events(records, stem):
    want = EXPECTED[stem]["events"]
    got = [(e["kind"], e["period"], e["date"], e["documents"]) for e in records[stem]["events"]]
    assert len(got) == len(want), got
    for (kind, period, date, docs), g in zip(want, got):
        assert g[:3] == (kind, period, date)
        if docs is not None:
            assert g[3] == docs


@pytest.mark.parametrize("stem", STEMS)
def test_people(records, stem):
    people = {p["name"]: p for p in records[stem]["people"]}
    for name, facts in EXPECTED[stem]["people"].items():
        assert name in people, f"{name} missing from {list(people)}"
        rank, positions = facts if isinstance(facts, tuple) else (facts, None)
        assert people[name]["rank"] == rank
        if positions is not None:
            assert people[name]["positions"] == positions
    for name in EXPECTED[stem].get("not_people", []):
        assert name not in people, "a photo credit or byline is not a person of the record"


@pytest.mark.parametrize("stem", STEMS)
def test_awards(records, stem):
    got = [(a["kind"], a["collectives"], a["individuals"]) for a in records[stem]["awards"]]
    assert got == EXPECTED[stem].get("awards", [])


def test_html_page_keeps_only_the_article(records):
    rec = records["08-thanh-hoa"]
    assert rec["title"] == "Đảng ủy Quân sự tỉnh Thanh Hóa quán triệt Nghị quyết 847-NQ/QUTW"
    assert rec["source"] == "https://example-portal.vn/thanh-hoa/quan-triet-nghi-quyet-847-nq-qutw"
    assert "Sáng 15/3, Đảng ủy Quân sự tỉnh Thanh Hóa" in rec["text"]
    for chrome in ("Trang chủ", "Tin khác", "Chỉ thị 16-CT/TU", "Bản quyền", "Lượt xem"):
        assert chrome not in rec["text"]


@pytest.mark.parametrize("stem", STEMS)
def test_evidence_points_at_the_fact(records, stem):
    """Evidence spans cover each document's number and each person's name in the record's text."""
    rec = records[stem]
    for doc in rec["documents"]:
        span = doc["evidence"]
        assert doc["number"] in rec["text"][span["start"]:span["end"]], doc["key"]
    for person in rec["people"]:
        span = person["evidence"]
        assert person["name"] in rec["text"][span["start"]:span["end"]]


# --- the store: `vnpolicy ingest examples/` and the query commands -------------
# The store must answer with exactly what extraction found (the facts themselves
# are checked above), so most expectations come from the `records` fixture.

@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "demo.db"
    cli("ingest", str(EXAMPLES), db=path)
    return path


def extracted_events(records, keep=lambda rec, ev: True) -> list[tuple[str, str]]:
    return sorted((r["id"], e["kind"]) for r in records.values() for e in r["events"] if keep(r, e))


def listed_events(*args: str, db: Path) -> list[tuple[str, str]]:
    return sorted((e["article"], e["kind"]) for e in parse_json(cli("events", *args, "--json", db=db)))


def test_ingest_stores_every_document(db, records):
    keys = {d["key"] for d in parse_json(cli("documents", "--json", db=db))}
    assert keys == {d["key"] for r in records.values() for d in r["documents"]}
    assert {"44-NQ/TW@2023", "33-NQ/TW@2014", "28-NQ/TW@2013", "03/2019/NĐ-CP", "06/QĐ-TTg@2022"} <= keys


def test_ingest_twice_adds_nothing(db, records):
    before = listed_events(db=db)
    cli("ingest", str(EXAMPLES), db=db)
    assert listed_events(db=db) == before == extracted_events(records)


@pytest.mark.parametrize("kind, stem", [("quan_triet", "01-quang-tri"),
                                        ("so_ket", "02-nghe-an"),
                                        ("tong_ket", "03-binh-dinh"),
                                        ("giao_ban", "04-lam-dong"),
                                        ("dien_tap", "05-ha-giang")])
def test_events_by_kind(db, records, kind, stem):
    got = listed_events("--kind", kind, db=db)
    assert (stem, kind) in got
    assert got == extracted_events(records, lambda r, e: e["kind"] == kind)


def test_events_by_document_province_and_date(db, records):
    assert listed_events("--doc", "44-NQ/TW@2023", db=db) == [("01-quang-tri", "quan_triet")]
    assert listed_events("--province", "an giang", db=db) == \
        extracted_events(records, lambda r, e: r["province"] == "An Giang")
    since = listed_events("--since", "2024-01-01", db=db)
    assert ("04-lam-dong", "giao_ban") in since
    assert since == extracted_events(records, lambda r, e: (e["date"] or r["published"]) >= "2024-01-01")


def test_document_shows_its_meetings(db):
    [doc] = parse_json(cli("document", "03/2019/NĐ-CP", "--json", db=db))
    assert doc["key"] == "03/2019/NĐ-CP"
    assert [(e["kind"], e["province"]) for e in doc["events"]] == [("giao_ban", "Lâm Đồng")]
    assert [a["id"] for a in doc["articles"]] == ["04-lam-dong"]


def test_person_positions_with_province(db):
    [person] = parse_json(cli("person", "Lam Quoc Trung", "--json", db=db))  # diacritics optional
    assert person["name"] == "Lâm Quốc Trung"
    assert {(p["rank"], p["position"], p["province"]) for p in person["positions"]} == {
        ("Đại tá", "Bí thư Đảng ủy", "An Giang"), ("Đại tá", "Chính ủy Bộ đội Biên phòng tỉnh", "An Giang")}


def test_search_finds_the_exercise(db):
    hits = parse_json(cli("search", "khu vực phòng thủ", "--json", db=db))
    assert ("article", "05-ha-giang") in {(h["kind"], h["ref"]) for h in hits}
    assert ("document", "21/2019/NĐ-CP") in {(h["kind"], h["ref"]) for h in hits}
