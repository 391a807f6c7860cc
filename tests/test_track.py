"""The tracker on constructed stores: lifecycle order, the review calendar, meetings reported by
several outlets, namesakes, relations and exports. Articles are invented sentences in the genre."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from vnpolicy.cli import app
from vnpolicy.record import Document, Event, Person, Record, Span
from vnpolicy.store import ingest_record, open_store, queries
from vnpolicy.store import models as m
from vnpolicy.track import calendar, lifecycle, meetings, people
from vnpolicy.track.relations import find_implements
from vnpolicy.track.units import unit_of

NQ99 = Document("99-NQ/TW@2015", "Nghị quyết", "99", "99-NQ/TW", "2015-01-10", "Bộ Chính trị",
                "công tác thử nghiệm")


def span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part))


def article(id_: str, text: str, published: str | None, province: str | None, events: list[Event],
            documents: list[Document], people_: list[Person] = (), source: str | None = None) -> Record:
    return Record(id=id_, published=published, province=province, text=text, source=source,
                  events=list(events), documents=list(documents), people=list(people_))


@pytest.fixture
def session(db_url):
    engine = open_store(db_url)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


def store(session: Session, *records: Record) -> list[bool]:
    out = [ingest_record(session, r) for r in records]
    session.commit()
    return out


def doc(session: Session, key: str) -> m.Document:
    return queries.find_documents(session, key)[0]


# ----------------------------------------------------------------- lifecycle

def test_lifecycle_stages_come_in_order_whatever_the_ingest_order(session):
    t1 = "Ngày 5/1/2025, Tỉnh ủy Hà Giang tổng kết 10 năm thực hiện Nghị quyết số 99-NQ/TW."
    t2 = "Ngày 1/3/2015, Tỉnh ủy Hà Giang quán triệt Nghị quyết số 99-NQ/TW."
    t3 = ("Ban Thường vụ Tỉnh ủy ban hành Kế hoạch số 12-KH/TU ngày 20/3/2015 về việc thực hiện "
          "Nghị quyết số 99-NQ/TW của Bộ Chính trị.")
    t4 = "Ngày 2/2/2020, Tỉnh ủy Hà Giang sơ kết 5 năm thực hiện Nghị quyết số 99-NQ/TW."
    kh12 = Document("12-KH/TU@2015", "Kế hoạch", "12", "12-KH/TU", "2015-03-20", "Ban Thường vụ Tỉnh ủy")
    store(session,
          article("tk", t1, "2025-01-05", "Hà Giang", [Event("tong_ket", "10 năm", "2025-01-05", "Tỉnh ủy",
                                                             [NQ99.key])], [NQ99]),
          article("qt", t2, "2015-03-01", "Hà Giang", [Event("quan_triet", None, "2015-03-01", "Tỉnh ủy",
                                                             [NQ99.key])], [NQ99]),
          article("kh", t3, "2015-03-21", "Hà Giang", [], [kh12, NQ99]),
          article("sk", t4, "2020-02-02", "Hà Giang", [Event("so_ket", "5 năm", "2020-02-02", "Tỉnh ủy",
                                                             [NQ99.key])], [NQ99]))
    life = lifecycle.lifecycle(session, doc(session, NQ99.key))
    [unit] = life["units"]
    assert unit["unit"] == "Hà Giang"
    assert [(s["stage"], s["date"]) for s in unit["stages"]] == [
        ("issued", "2015-01-10"), ("quan_triet", "2015-03-01"), ("programme", "2015-03-20"),
        ("so_ket 5 năm", "2020-02-02"), ("tong_ket 10 năm", "2025-01-05")]
    programme = unit["stages"][2]
    assert programme["document"] == "12-KH/TU@2015"
    assert "thực hiện Nghị quyết số 99-NQ/TW" in programme["reports"][0]["evidence"]["text"]


def test_superseded_document_ends_its_lifecycle_and_skips_later_reviews(session):
    text = "Ngày 3/4/2009, UBND tỉnh Lào Cai triển khai Nghị định số 152/2007/NĐ-CP."
    nd152 = Document("152/2007/NĐ-CP", "Nghị định", "152", "152/2007/NĐ-CP", "2007-10-14", "Chính phủ")
    store(session, article("nd", text, "2009-04-03", "Lào Cai",
                           [Event("quan_triet", None, "2009-04-03", "UBND tỉnh", [nd152.key])], [nd152]))
    d = doc(session, nd152.key)
    [unit] = lifecycle.lifecycle(session, d)["units"]
    assert unit["stages"][-1]["stage"] == "superseded"
    assert unit["stages"][-1]["document"] == "21/2019/NĐ-CP"
    rows = calendar.due(session, today=dt.date(2026, 1, 1), doc_ids=[d.id])
    # 21/2019 came after both reviews' dates: nothing replaced it before they fell due
    assert {r["review"]: r["status"] for r in rows} == {"so_ket 5 năm": "no report found",
                                                       "tong_ket 10 năm": "no report found"}
    assert all(r["superseded_by"] == ["21/2019/NĐ-CP"] for r in rows)


def test_reviews_replaced_before_their_date_are_superseded(session):
    text = "Ngày 9/9/2012, UBND tỉnh Yên Bái quán triệt Nghị định số 77/2010/NĐ-CP."
    nd77 = Document("77/2010/NĐ-CP", "Nghị định", "77", "77/2010/NĐ-CP", "2010-07-12", "Chính phủ")
    store(session, article("nd77", text, "2012-09-09", "Yên Bái",
                           [Event("quan_triet", None, "2012-09-09", "UBND tỉnh", [nd77.key])], [nd77]))
    rows = calendar.due(session, today=dt.date(2026, 1, 1))
    assert {r["review"]: r["status"] for r in rows} == {"so_ket 5 năm": "no report found",
                                                       "tong_ket 10 năm": "superseded"}


# ----------------------------------------------------------------- calendar

def _review_store(session, review_date: str | None):
    t = "Ngày 1/3/2015, Tỉnh ủy Cao Bằng quán triệt Nghị quyết số 99-NQ/TW."
    records = [article("c1", t, "2015-03-01", "Cao Bằng",
                       [Event("quan_triet", None, "2015-03-01", "Tỉnh ủy", [NQ99.key])], [NQ99])]
    if review_date:
        t2 = "Tỉnh ủy Cao Bằng tổ chức hội nghị sơ kết việc thực hiện Nghị quyết số 99-NQ/TW."
        records.append(article("c2", t2, review_date, "Cao Bằng",
                               [Event("so_ket", None, review_date, "Tỉnh ủy", [NQ99.key])], [NQ99]))
    store(session, *records)


def _status(session, today: str, review: str = "so_ket 5 năm") -> dict:
    [row] = [r for r in calendar.due(session, today=dt.date.fromisoformat(today)) if r["review"] == review]
    return row


def test_review_held_exactly_on_its_due_date_is_found(session):
    _review_store(session, "2020-01-10")
    row = _status(session, "2020-01-10")
    assert (row["expected"], row["basis"], row["status"]) == ("2020-01-10", "customary", "found")
    assert row["found"]["date"] == "2020-01-10" and row["found"]["reports"][0]["article"] == "c2"


def test_review_status_moves_from_upcoming_to_due_to_no_report_found(session):
    _review_store(session, None)
    assert _status(session, "2020-01-09")["status"] == "upcoming"
    assert _status(session, "2020-01-10")["status"] == "due"
    assert _status(session, "2020-07-08")["status"] == "due"  # within the 180-day grace
    assert _status(session, "2020-07-09")["status"] == "no report found"


def test_due_within_keeps_open_reviews_up_to_the_horizon(session):
    _review_store(session, "2020-01-10")
    rows = calendar.due(session, today=dt.date(2024, 11, 1), within_days=60)
    assert rows == []  # the 5-year review was found; the 10-year one is due on 2025-01-10, in 70 days
    rows = calendar.due(session, today=dt.date(2024, 11, 1), within_days=90)
    assert [(r["review"], r["status"]) for r in rows] == [("tong_ket 10 năm", "upcoming")]


# ----------------------------------------------------------------- meetings

SK = Document("35-NQ/TW@2019", "Nghị quyết", "35", "35-NQ/TW", "2019-04-11", "Bộ Chính trị")
OTHER = Document("24-CT/TW@2023", "Chỉ thị", "24", "24-CT/TW", "2023-07-13", "Ban Bí thư")


def three_outlets() -> list[Record]:
    portal = "Sáng 10/5, Ban Thường vụ Tỉnh ủy Bắc Kạn tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết 35-NQ/TW."
    paper = "Hôm qua, tại Bắc Kạn đã diễn ra hội nghị về Nghị quyết 35-NQ/TW của Bộ Chính trị."
    region = "Tỉnh Bắc Kạn vừa sơ kết 5 năm thực hiện Nghị quyết 35-NQ/TW, Quân khu 1 cử đại diện dự."
    return [
        article("portal", portal, "2024-05-10", "Bắc Kạn",
                [Event("so_ket", "5 năm", "2024-05-10", "Ban Thường vụ Tỉnh ủy", [SK.key])], [SK],
                source="https://backan.gov.vn/a"),
        article("paper", paper, "2024-05-11", "Bắc Kạn", [Event("khac", None, None, None, [SK.key])], [SK],
                source="https://baobackan.vn/b"),
        article("region", region, "2024-05-13", "Bắc Kạn", [Event("so_ket", "5 năm", None, None, [SK.key])],
                [SK], source="https://qk1.vn/c"),
    ]


def test_one_meeting_reported_by_three_outlets_counts_once(session):
    duqs = "Ngày 10/5, Đảng ủy Quân sự tỉnh Bắc Kạn quán triệt Chỉ thị 24-CT/TW."
    store(session, *three_outlets(),
          article("duqs", duqs, "2024-05-10", "Bắc Kạn",
                  [Event("quan_triet", None, "2024-05-10", "Đảng ủy Quân sự tỉnh", [OTHER.key])], [OTHER]))
    assert session.scalar(select(func.count()).select_from(m.Event)) == 4
    assert session.scalar(select(func.count()).select_from(m.Meeting)) == 2
    cov = lifecycle.coverage(session, doc(session, SK.key))
    assert cov["meetings"] == 1
    [unit] = cov["units"]
    assert unit["unit"] == "Bắc Kạn"
    assert unit["stages"] == {"so_ket 5 năm": unit["stages"]["so_ket 5 năm"]}
    assert unit["stages"]["so_ket 5 năm"]["meetings"] == 1
    [stage] = [s for s in lifecycle.lifecycle(session, doc(session, SK.key))["units"][0]["stages"]
               if s["stage"] == "so_ket 5 năm"]
    assert {r["article"] for r in stage["reports"]} == {"portal", "paper", "region"}


def test_reports_beyond_the_publication_lag_or_in_another_province_stay_apart(session):
    late = "Tỉnh ủy Bắc Kạn sơ kết 5 năm thực hiện Nghị quyết 35-NQ/TW."
    elsewhere = "Ngày 10/5, Tỉnh ủy Thái Nguyên sơ kết 5 năm thực hiện Nghị quyết 35-NQ/TW."
    store(session, three_outlets()[0],
          article("late", late, "2024-05-20", "Bắc Kạn", [Event("so_ket", "5 năm", None, None, [SK.key])], [SK]),
          article("tn", elsewhere, "2024-05-10", "Thái Nguyên",
                  [Event("so_ket", "5 năm", "2024-05-10", "Tỉnh ủy", [SK.key])], [SK]))
    assert session.scalar(select(func.count()).select_from(m.Meeting)) == 3


def test_an_article_ingested_twice_is_one_report_and_a_republished_copy_one_meeting(session):
    first = three_outlets()[0]
    assert store(session, first, first) == [True, False]
    copy = three_outlets()[0]
    copy.id = "portal-mirror"
    assert store(session, copy) == [True]
    assert session.scalar(select(func.count()).select_from(m.Meeting)) == 1
    assert lifecycle.coverage(session, doc(session, SK.key))["units"][0]["stages"]["so_ket 5 năm"]["meetings"] == 1


def test_ensure_places_events_written_without_meetings(session):
    store(session, *three_outlets())
    for table in (m.EventMeeting, m.MeetingDocument, m.Meeting):
        session.query(table).delete()
    session.commit()
    assert meetings.ensure(session) == 3
    assert session.scalar(select(func.count()).select_from(m.Meeting)) == 1
    assert meetings.ensure(session) == 0


def test_kinds_agree():
    assert meetings.kinds_agree("so_ket", "5 năm", "khac", None)
    assert meetings.kinds_agree("so_ket", "10 năm", "tong_ket", "10 năm")
    assert not meetings.kinds_agree("so_ket", "5 năm", "tong_ket", "10 năm")
    assert not meetings.kinds_agree("quan_triet", None, "so_ket", "5 năm")


# ----------------------------------------------------------------- people

def _official(id_, province, name, position, published):
    text = f"Đồng chí {name}, {position}, phát biểu tại hội nghị ở tỉnh {province}."
    return article(id_, text, published, province, [], [], [Person(name, None, [position], span(text, name))])


def test_namesakes_in_two_provinces_stay_apart_and_one_official_keeps_a_timeline(session):
    store(session,
          _official("st1", "Sóc Trăng", "Nguyễn Văn Thắng", "Phó Bí thư Tỉnh ủy", "2019-05-01"),
          _official("st2", "Sóc Trăng", "Nguyễn Văn Thắng", "Bí thư Tỉnh ủy", "2021-06-01"),
          _official("st3", "Sóc Trăng", "Nguyễn Văn Thắng", "Bí thư Tỉnh ủy", "2023-02-01"),
          _official("db1", "Điện Biên", "Nguyễn Văn Thắng", "Bí thư Tỉnh ủy", "2022-03-01"))
    found = people.find(session, "nguyen van thang")
    assert sorted(p["provinces"] for p in found) == [["Sóc Trăng"], ["Điện Biên"]]
    [st] = [p for p in found if p["provinces"] == ["Sóc Trăng"]]
    assert [(t["position"], t["first"], t["last"], t["articles"]) for t in st["timeline"]] == [
        ("Phó Bí thư Tỉnh ủy", "2019-05-01", "2019-05-01", ["st1"]),
        ("Bí thư Tỉnh ủy", "2021-06-01", "2023-02-01", ["st2", "st3"])]


def test_a_central_title_joins_one_official_seen_in_several_provinces(session):
    store(session,
          _official("a", "Lạng Sơn", "Trần Văn Minh", "Thứ trưởng Bộ Quốc phòng", "2022-01-01"),
          _official("b", "Cà Mau", "Trần Văn Minh", "Thứ trưởng Bộ Quốc phòng", "2023-01-01"))
    [p] = people.find(session, "Trần Văn Minh")
    assert p["provinces"] == ["Cà Mau", "Lạng Sơn"] and p["articles"] == ["a", "b"]


def test_cluster_attaches_a_row_without_province_only_when_unambiguous():
    rows = [(1, "Sóc Trăng", {"bi thu tinh uy"}), (2, "Điện Biên", {"bi thu tinh uy"}), (3, "", {"bi thu tinh uy"})]
    assert people.cluster(rows) == [[1], [2], [3]]
    rows[1] = (2, "Điện Biên", {"chu tich uy ban nhan dan"})
    assert people.cluster(rows) == [[1, 3], [2]]


# ----------------------------------------------------------------- units and relations

@pytest.mark.parametrize("organizer, province, unit", [
    ("Ban Thường vụ Tỉnh ủy", "Sóc Trăng", "Sóc Trăng"),
    ("UBND tỉnh", "Sóc Trăng", "Sóc Trăng"),
    (None, "Sóc Trăng", "Sóc Trăng"),
    ("Đảng uỷ Quân sự tỉnh", "Điện Biên", "Đảng ủy Quân sự tỉnh Điện Biên"),
    ("Đảng ủy Quân sự tỉnh Điện Biên", "Điện Biên", "Đảng ủy Quân sự tỉnh Điện Biên"),
    ("Bộ Chỉ huy Quân sự", "Lai Châu", "Bộ Chỉ huy Quân sự tỉnh Lai Châu"),
    ("Huyện ủy Chư Păh", "Gia Lai", "Huyện ủy Chư Păh"),
    ("Chính phủ", "Gia Lai", "Gia Lai"),
    ("Chính phủ", None, "Chính phủ"),
])
def test_unit_of(organizer, province, unit):
    assert unit_of(organizer, province) == unit


def test_find_implements_reads_numbered_and_unnumbered_programmes():
    text = ("Tỉnh ủy ban hành Chương trình hành động số 87-CTr/TU ngày 02/02/2024 của Tỉnh ủy thực hiện "
            "Nghị quyết số 44-NQ/TW. Hội nghị sơ kết 5 năm thực hiện Nghị quyết 44. "
            "Các cấp xây dựng Kế hoạch của Ban Thường vụ thực hiện Chỉ thị 24.")
    docs = [Document("87-CTr/TU@2024", "Chương trình", "87", "87-CTr/TU"),
            Document("44-NQ/TW@2023", "Nghị quyết", "44", "44-NQ/TW"),
            Document("24-CT/TW@2023", "Chỉ thị", "24", "24-CT/TW")]
    found = [(i.source_key, i.source_text, i.target_key) for i in find_implements(text, docs)]
    assert found == [("87-CTr/TU@2024", "Chương trình hành động số 87-CTr/TU ngày 02/02/2024 của Tỉnh ủy",
                      "44-NQ/TW@2023"),
                     (None, "Kế hoạch của Ban Thường vụ", "24-CT/TW@2023")]


# ----------------------------------------------------------------- CLI and exports

def run(*args, ok=True):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert (res.exit_code == 0) == ok, res.output
    return res


def test_document_command_shows_relations(session, db_url):
    t = "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch số 12-KH/TU về việc thực hiện Nghị quyết số 99-NQ/TW."
    store(session, article("kh", t, "2015-03-21", "Hà Giang",
                           [], [Document("12-KH/TU@2015", "Kế hoạch", "12", "12-KH/TU"), NQ99]))
    [d] = json.loads(run("document", "99-NQ/TW", "--db", db_url, "--json").stdout)
    assert [(x["key"], x["province"], x["article"]) for x in d["relations"]["implemented_by"]] == \
        [("12-KH/TU@2015", "Hà Giang", "kh")]
    assert [x["key"] for x in d["relations"]["co_mentions"]] == ["12-KH/TU@2015"]
    [k] = json.loads(run("document", "12-KH/TU", "--db", db_url, "--json").stdout)
    assert [x["key"] for x in k["relations"]["implements"]] == ["99-NQ/TW@2015"]
    assert run("document", "44-NQ/TW", "--db", db_url, ok=False).exit_code == 1
    t2 = "Tỉnh ủy Hà Giang quán triệt Nghị quyết số 44-NQ/TW về Chiến lược bảo vệ Tổ quốc."
    store(session, article("nq44", t2, "2024-01-05", "Hà Giang", [],
                           [Document("44-NQ/TW@2023", "Nghị quyết", "44", "44-NQ/TW")]))
    [d] = json.loads(run("document", "44-NQ/TW", "--db", db_url, "--json").stdout)
    assert [x["key"] for x in d["relations"]["replaces"]] == ["28-NQ/TW@2013"]
    assert "replaces" in run("document", "44-NQ/TW", "--db", db_url).stdout


def test_exports_write_every_table_and_a_valid_calendar(session, db_url, tmp_path):
    store(session, *three_outlets())
    for fmt in ("csv", "jsonl", "parquet"):
        files = json.loads(run("export", "--format", fmt, "--out", tmp_path / fmt, "--db", db_url, "--json").stdout)
        assert {p.rsplit("/", 1)[1].split(".")[0] for p in files} >= {
            "documents", "events", "links", "people", "positions", "meetings", "calendar"}
    meetings_rows = [json.loads(line) for line in (tmp_path / "jsonl" / "meetings.jsonl").read_text().splitlines()]
    assert [(r["kind"], r["reports"]) for r in meetings_rows] == [("so_ket", 3)]
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "parquet" / "events.parquet").num_rows == 3
    run("export", "--format", "ics", "--out", tmp_path / "ics", "--today", "2024-06-01", "--db", db_url)
    ics = (tmp_path / "ics" / "reviews.ics").read_bytes()
    lines = ics.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and ics.count(b"BEGIN:VEVENT") == 2
    assert all(len(line) <= 75 for line in lines)
    assert b"DTSTART;VALUE=DATE:20240411" in ics  # 5 years after 2019-04-11
    run("export", "--format", "xml", "--out", tmp_path, "--db", db_url, ok=False)


def test_due_and_coverage_commands(session, db_url):
    store(session, *three_outlets())
    rows = json.loads(run("due", "--today", "2024-06-01", "--province", "bac kan", "--db", db_url, "--json").stdout)
    assert [(r["review"], r["status"], r["found"] and r["found"]["date"]) for r in rows] == [
        ("so_ket 5 năm", "found", "2024-05-10"), ("tong_ket 10 năm", "upcoming", None)]
    assert json.loads(run("due", "--province", "Cà Mau", "--db", db_url, "--json").stdout) == []
    assert "absence of news is not absence of a meeting" in run("due", "--help").stdout
    run("due", "--within", "soon", "--db", db_url, ok=False)
    [cov] = json.loads(run("coverage", "35-NQ/TW", "--by", "region", "--db", db_url, "--json").stdout)
    assert cov["provinces"]["count"] == 1 and cov["provinces"]["of"] == 63 and cov["provinces_2025"]["of"] == 34
    assert [(g["group"], g["reached"], g["of"]) for g in cov["regions"]] == [("Quân khu 1", 1, 6)]
    assert [g["group"] for g in cov["merged_provinces"]] == ["Thái Nguyên"]
    run("coverage", "1-NQ/XX", "--db", db_url, ok=False)


# ----------------------------------------------------------------- the gold dev store

def test_dev_coverage_of_44_lists_soc_trang_with_its_quan_triet(dev_db):
    [cov] = json.loads(run("coverage", "44-NQ/TW@2023", "--db", dev_db, "--json").stdout)
    [st] = [u for u in cov["units"] if u["province"] == "Sóc Trăng"]
    cell = st["stages"]["quan_triet"]
    assert cell["first"] == "2024-03-21"
    assert "quán triệt" in cell["evidence"]["evidence"]["text"]
    assert "Sóc Trăng" in run("coverage", "44-NQ/TW@2023", "--db", dev_db).stdout


def test_dev_due_finds_dien_bien_ten_year_review_of_28(dev_db):
    rows = json.loads(run("due", "--db", dev_db, "--json").stdout)
    [row] = [r for r in rows if r["document"] == "28-NQ/TW@2013" and r["province"] == "Điện Biên"
             and r["review"] == "tong_ket 10 năm"]
    assert (row["status"], row["basis"], row["found"]["date"]) == ("found", "customary", "2022-10-14")


def test_dev_graphml_has_typed_nodes(dev_db, tmp_path):
    import networkx as nx

    run("export", "--format", "graphml", "--out", tmp_path, "--db", dev_db)
    g = nx.read_graphml(tmp_path / "vnpolicy.graphml")
    types = {d["type"] for _, d in g.nodes(data=True)}
    assert types == {"document", "event", "unit", "person"}
    edge_types = {d["type"] for _, _, d in g.edges(data=True)}
    assert {"held", "concerns", "reported_with"} <= edge_types


def test_ensure_places_a_bulk_load_and_ingest_goes_on_after_it(session):
    provinces = ["Hà Giang", "Cao Bằng", "Hà Tĩnh", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La",
                 "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ",
                 "Vĩnh Phúc", "Bắc Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên", "Thái Bình", "Hà Nam"]
    text = "Tỉnh ủy {} sơ kết 5 năm thực hiện Nghị quyết 35-NQ/TW."
    store(session, *(article(f"bulk-{i}", text.format(p), "2024-05-10", p,
                             [Event("so_ket", "5 năm", "2024-05-10", "Tỉnh ủy", [SK.key])], [SK])
                     for i, p in enumerate(provinces)))
    for table in (m.EventMeeting, m.MeetingDocument, m.Meeting):
        session.query(table).delete()
    session.commit()
    assert meetings.ensure(session) == len(provinces)  # enough rows for the one-statement bulk path
    late = three_outlets()
    store(session, *late)
    ids = session.scalars(select(m.Meeting.id)).all()
    assert len(ids) == len(set(ids)) == len(provinces) + 1
    assert lifecycle.coverage(session, doc(session, SK.key))["provinces"]["count"] == len(provinces) + 1
