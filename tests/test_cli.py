"""The store commands end to end: ingest (bad files, kill -9 and rerun) and the queries' JSON."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from vnpolicy.cli import store as cli
from vnpolicy.cli import app
from vnpolicy.extract import extract
from vnpolicy.ingest import read_path
from vnpolicy.record import Article, Document, Event, Person, Record, Span
from vnpolicy.store import ingest_record, open_store
from vnpolicy.text import normalise

runner = CliRunner()

ARTICLE = ("Chiều 15/5/2024, Ban Thường vụ Huyện ủy Trần Đề tổ chức hội nghị sơ kết 5 năm thực hiện "
           "Kết luận số {n}-KL/TW của Bộ Chính trị về xây dựng lực lượng dân quân tự vệ. "
           "Đồng chí Trịnh Hoài Nam, Bí thư Huyện ủy, chủ trì hội nghị. Bài số {n}.\n")


def article(n: int) -> str:
    return ARTICLE.format(n=n)


def plain_extract(a: Article) -> Record:
    """Stands in for the extractor where a test is about storing, not extracting:
    one document of the article's own and one person shared by all."""
    return Record(id=a.id, text=normalise(a.text), title=a.title, source=a.source,
                  documents=[Document(f"Kết luận {a.id}", "Kết luận")],
                  people=[Person("Trịnh Hoài Nam", None, ["Bí thư Huyện ủy"])])


@pytest.fixture
def no_extraction(monkeypatch):
    monkeypatch.setattr(cli, "run_extract", plain_extract)


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def count_articles(db) -> int:
    try:
        with sqlite3.connect(db, timeout=10) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.fixture
def stored_db(db_url) -> str:
    """A database holding two hand-made records (no extractor involved)."""
    url = db_url
    t1 = "Sáng 4/7, Bộ Chỉ huy Quân sự tỉnh Sóc Trăng quán triệt Nghị quyết số 44-NQ/TW. Ông Trịnh Hoài Nam dự."
    t2 = "Ngày 9/10, Đảng ủy Quân sự tỉnh Cà Mau giao ban quý III về Nghị quyết số 44-NQ/TW."
    records = [
        Record(id="q1", published="2024-07-04", province="Sóc Trăng", text=t1, title="Quán triệt NQ 44",
               documents=[Document("44-NQ/TW@2023", "Nghị quyết", "44", "44-NQ/TW", "2023-11-24",
                                   "Ban Chấp hành Trung ương Đảng", "Chiến lược bảo vệ Tổ quốc",
                                   Span(t1.index("Nghị quyết"), t1.index(". Ông")))],
               events=[Event("quan_triet", None, "2024-07-04", "Bộ Chỉ huy Quân sự tỉnh", ["44-NQ/TW@2023"])],
               people=[Person("Trịnh Hoài Nam", "Đại tá", ["Chỉ huy trưởng"])]),
        Record(id="q2", published="2024-10-09", province="Cà Mau", text=t2,
               documents=[Document("44-NQ/TW@2023", symbol="44-NQ/TW")],
               events=[Event("giao_ban", None, "2024-10-09", "Đảng ủy Quân sự tỉnh", ["44-NQ/TW@2023"])]),
    ]
    engine = open_store(url)
    with Session(engine) as s:
        for r in records:
            ingest_record(s, r)
    engine.dispose()
    return url


def test_ingest_skips_bad_files_by_name_and_stores_the_rest(tmp_path, no_extraction):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"a{n}.txt").write_text(article(n), encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\xff\xfe\x81binary\x00")
    (folder / "empty.txt").write_bytes(b"")
    db = tmp_path / "db.sqlite"
    result = run("ingest", str(folder), "--db", str(db), "--json")
    summary = json.loads(result.stdout)
    assert "broken.txt" in result.stderr and "empty.txt" in result.stderr
    assert (summary["new"], summary["failed"], summary["totals"]["articles"]) == (3, 2, 3)
    assert summary["database"] == str(db)
    again = json.loads(run("ingest", str(folder), "--db", str(db), "--json").stdout)
    assert (again["new"], again["unchanged"]) == (0, 3)


def test_ingest_human_summary_and_env_database(tmp_path, monkeypatch, no_extraction):
    (tmp_path / "one.txt").write_text(article(7), encoding="utf-8")
    monkeypatch.setenv("VNPOLICY_DB", str(tmp_path / "env.db"))
    out = run("ingest", str(tmp_path / "one.txt")).stdout
    assert str(tmp_path / "env.db") in out and "1 new" in out
    assert count_articles(tmp_path / "env.db") == 1


def test_ingest_of_only_bad_files_fails(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    result = run("ingest", str(bad), "--db", str(tmp_path / "x.db"), ok=False)
    assert result.exit_code == 1 and "bad.txt" in result.stderr


def test_killed_ingest_then_rerun_stores_each_article_once(tmp_path, no_extraction):
    n = 300
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(n):
        (folder / f"g{i:04d}.txt").write_text(article(i), encoding="utf-8")
    db = tmp_path / "k.db"
    # The child's "extraction" takes a while so that the kill lands mid-run; the write path is the real one.
    script = ("import sys, time\nimport vnpolicy.cli.store as cli\nfrom test_cli import plain_extract\n"
              "def slow(a):\n    time.sleep(0.01)\n    return plain_extract(a)\n"
              "cli.run_extract = slow\ncli.app(sys.argv[1:])\n")
    proc = subprocess.Popen([sys.executable, "-c", script, "ingest", str(folder), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(__file__).parent)
    try:
        deadline = time.monotonic() + 120  # a guard against hanging, not a timing assertion
        while count_articles(db) < 20:
            assert proc.poll() is None, "ingest finished before it could be killed"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    partial = count_articles(db)
    assert 20 <= partial < n

    summary = json.loads(run("ingest", str(folder), "--db", str(db), "--json").stdout)
    assert (summary["new"], summary["unchanged"]) == (n - partial, partial)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT ext_id) FROM articles").fetchone() == (n, n)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in ("documents", "document_mentions", "person_positions"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, table
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 1
        conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        assert conn.execute("SELECT count(*) FROM search_fts WHERE rowid % 4 = 0").fetchone()[0] == n


def test_ingest_with_the_extractor_stores_what_it_extracts(tmp_path, shared_dir):
    files = sorted((shared_dir / "gold" / "dev").glob("*.txt"))[:6]
    db = tmp_path / "dev.db"
    summary = json.loads(run("ingest", *map(str, files), "--db", str(db), "--json").stdout)
    records = [extract(a) for f in files for a in read_path(f)]
    assert (summary["new"], summary["failed"]) == (len(files), 0)
    assert summary["totals"]["events"] == sum(len(r.events) for r in records)
    keys = {d.key for r in records for d in r.documents}
    stored = {d["key"] for d in json.loads(run("documents", "--db", str(db), "--json").stdout)}
    assert stored == keys


def test_documents_and_document_json(stored_db):
    docs = json.loads(run("documents", "--db", stored_db, "--json").stdout)
    assert [(d["key"], d["articles"], d["events"]) for d in docs] == [("44-NQ/TW@2023", 2, 2)]
    assert len(json.loads(run("documents", "--province", "ca mau", "--db", stored_db, "--json").stdout)) == 1
    assert json.loads(run("documents", "--province", "Hà Giang", "--db", stored_db, "--json").stdout) == []
    found = json.loads(run("document", "44-nq/tw", "--db", stored_db, "--json").stdout)
    assert len(found) == 1 and found[0]["issued"] == "2023-11-24"
    assert [(e["kind"], e["date"], e["province"]) for e in found[0]["events"]] == \
        [("quan_triet", "2024-07-04", "Sóc Trăng"), ("giao_ban", "2024-10-09", "Cà Mau")]
    assert "44-NQ/TW" in found[0]["aliases"]
    assert "Chiến lược bảo vệ Tổ quốc" in run("document", "44-NQ/TW@2023", "--db", stored_db).stdout


def test_unknown_document_and_person_exit_nonzero(stored_db):
    assert run("document", "99-NQ/TW", "--db", stored_db, ok=False).exit_code == 1
    result = run("person", "Không Ai", "--db", stored_db, "--json", ok=False)
    assert result.exit_code == 1 and json.loads(result.stdout) == []


def test_events_filters_json(stored_db):
    def events(*args):
        return [e["article"] for e in json.loads(run("events", "--db", stored_db, "--json", *args).stdout)]

    assert events() == ["q1", "q2"]
    assert events("--province", "soc trang") == ["q1"]
    assert events("--province", "CA MAU") == ["q2"]
    assert events("--kind", "giao_ban") == ["q2"]
    assert events("--since", "2024-08-01") == ["q2"]
    assert events("--doc", "44-NQ/TW", "--province", "Cà Mau") == ["q2"]
    assert run("events", "--kind", "party", "--db", stored_db, ok=False).exit_code == 2
    assert run("events", "--since", "July", "--db", stored_db, ok=False).exit_code == 2
    assert "quan_triet" in run("events", "--db", stored_db).stdout


def test_person_json(stored_db):
    found = json.loads(run("person", "trinh hoai nam", "--db", stored_db, "--json").stdout)
    assert [(p["name"], p["scope"]) for p in found] == [("Trịnh Hoài Nam", "Sóc Trăng")]
    assert found[0]["positions"][0] == {"position": "Chỉ huy trưởng", "rank": "Đại tá", "date": "2024-07-04",
                                        "province": "Sóc Trăng", "article": "q1", "evidence": None}


def test_search_json_and_table(stored_db):
    hits = json.loads(run("search", "dang uy quan su", "--db", stored_db, "--json").stdout)
    assert [(h["kind"], h["ref"]) for h in hits] == [("article", "q2")]
    assert "Đảng ủy Quân sự" in hits[0]["snippet"]
    kinds = {h["kind"] for h in json.loads(run("search", "Trịnh Hoài Nam", "--db", stored_db, "--json").stdout)}
    assert kinds == {"person", "article"}
    assert json.loads(run("search", '"(*--%', "--db", stored_db, "--json").stdout) == []
    assert "q2" in run("search", "giao ban", "--db", stored_db).stdout
