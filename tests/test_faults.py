"""Faults: ingest and load killed with SIGKILL at random points then rerun, a full disk, a read-only
database, and backup / restore / check."""
from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from vnpolicy import bulk
from vnpolicy.cli import app
from vnpolicy.cli import store as cli_store
from vnpolicy.record import Document, Person, Record
from vnpolicy.store import backup as store_backup
from vnpolicy.store import ingest_record, open_store
from vnpolicy.text import normalise

runner = CliRunner()
KILLS = 20
ARTICLE = ("Chiều 15/5/2024, Ban Thường vụ Huyện ủy Trần Đề tổ chức hội nghị sơ kết 5 năm thực hiện "
           "Kết luận số {n}-KL/TW của Bộ Chính trị. Đồng chí Trịnh Hoài Nam, Bí thư Huyện ủy, chủ trì. "
           "Bài số {n}.\n")


def quick_record(a) -> Record:
    """Stands in for the extractor where a test is about storing: one document per article, one person."""
    return Record(id=a.id, text=normalise(a.text), title=a.title, source=a.source,
                  documents=[Document(f"Kết luận {a.id}", "Kết luận")],
                  people=[Person("Trịnh Hoài Nam", None, ["Bí thư Huyện ủy"])])


def cli(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def articles(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(ARTICLE.format(n=i), encoding="utf-8")
    return folder


def count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=10) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def assert_sound(db: Path, n: int) -> None:
    report = store_backup.check(str(db))
    assert report["problems"] == [], report["problems"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT ext_id), count(DISTINCT content_hash) "
                            "FROM articles").fetchone() == (n, n, n)
        for table in ("documents", "document_mentions", "person_positions"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, table
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 1


# --- SIGKILL at random points ------------------------------------------------------------------

def _child(args: list[str], slow) -> None:
    """A forked child: the real command with a slowed write or extraction, so kills land mid-run."""
    slow()
    try:
        app(args, prog_name="vnpolicy")
    finally:
        os._exit(0)


def _slow_extraction() -> None:
    def slow(a):
        time.sleep(0.004)
        return quick_record(a)
    cli_store.run_extract = slow


def _slow_store() -> None:
    import vnpolicy.store as store

    real = store.ingest_record

    def slow(session, record):
        time.sleep(0.004)
        return real(session, record)
    store.ingest_record = slow


def kill_repeatedly(args: list[str], db: Path, n: int, slow, seed: int) -> list[int]:
    """Run ``args`` KILLS times, each killed with SIGKILL once it has stored a random few more
    articles and a random moment has passed; the counts after each kill."""
    rng = random.Random(seed)
    fork = multiprocessing.get_context("fork")
    after = []
    for _ in range(KILLS):
        start = count(db)
        proc = fork.Process(target=_child, args=(args, slow))
        proc.start()
        want = start + rng.randint(1, 4)
        deadline = time.monotonic() + 60  # a hang guard, not a timing assertion
        while count(db) < want and proc.is_alive():
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.015))
        assert proc.is_alive(), "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        assert proc.exitcode == -signal.SIGKILL
        after.append(count(db))
    return after


def test_ingest_killed_twenty_times_then_rerun_stores_each_article_once(tmp_path):
    n = 150
    folder = articles(tmp_path / "in", n)
    db = tmp_path / "k.db"
    after = kill_repeatedly(["ingest", str(folder), "--db", str(db)], db, n, _slow_extraction, seed=1)
    assert after == sorted(after) and after[-1] < n
    cli_store.run_extract, real = quick_record, cli_store.run_extract
    try:
        summary = json.loads(cli("ingest", str(folder), "--db", str(db), "--json").stdout)
    finally:
        cli_store.run_extract = real
    assert (summary["new"], summary["unchanged"]) == (n - after[-1], after[-1])
    assert_sound(db, n)


def _bulk_folder(folder: Path, n: int) -> Path:
    """A `vnpolicy bulk` output folder written directly: the manifest and one JSON Lines partition."""
    (folder / "jsonl").mkdir(parents=True)
    with open(folder / "jsonl" / "part-000000.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            rec = quick_record(type("A", (), {"id": f"b{i:04d}", "text": ARTICLE.format(n=i),
                                              "title": None, "source": None})())
            fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
    (folder / bulk.MANIFEST).write_text(json.dumps({"format": bulk.FORMAT, "records": n}), encoding="utf-8")
    return folder


def test_load_killed_twenty_times_then_rerun_stores_each_article_once(tmp_path):
    n = 150
    folder = _bulk_folder(tmp_path / "bulk", n)
    db = tmp_path / "l.db"
    after = kill_repeatedly(["load", str(folder), "--db", str(db), "--batch", "3"], db, n, _slow_store, seed=2)
    assert after == sorted(after) and after[-1] < n
    summary = json.loads(cli("load", str(folder), "--db", str(db), "--json").stdout)
    assert (summary["new"], summary["unchanged"], summary["failed"]) == (n - after[-1], after[-1], 0)
    assert_sound(db, n)


# --- full disk, read-only database, unwritable output --------------------------------------------

@pytest.fixture
def no_extraction(monkeypatch):
    monkeypatch.setattr(cli_store, "run_extract", quick_record)


def test_full_disk_is_a_clear_error_and_a_rerun_completes(tmp_path, no_extraction):
    folder = articles(tmp_path / "in", 60)
    for f in folder.iterdir():  # bigger articles, so that a few pages fill the "disk"
        f.write_text(f.read_text(encoding="utf-8") * 30, encoding="utf-8")
    db = tmp_path / "full.db"
    cli("ingest", str(folder / "a0000.txt"), "--db", str(db))
    with sqlite3.connect(db) as conn:
        limit = conn.execute("PRAGMA page_count").fetchone()[0] + 8

    def small_disk(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count = {limit}")

    event.listen(Engine, "connect", small_disk)
    try:
        result = cli("ingest", str(folder), "--db", str(db), ok=False)
    finally:
        event.remove(Engine, "connect", small_disk)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "disk is full" in result.stderr and "Traceback" not in result.output
    stored = count(db)
    assert 1 <= stored < 60
    assert store_backup.check(str(db))["problems"] == []
    summary = json.loads(cli("ingest", str(folder), "--db", str(db), "--json").stdout)
    assert (summary["new"], summary["unchanged"]) == (60 - stored, stored)
    assert_sound(db, 60)


def test_read_only_database_is_a_clear_error(tmp_path, monkeypatch, no_extraction):
    folder = articles(tmp_path / "in", 3)
    db = tmp_path / "ro.db"
    cli("ingest", str(folder / "a0000.txt"), "--db", str(db))
    monkeypatch.chdir(tmp_path)
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    result = cli("ingest", str(folder), "--db", read_only, ok=False)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "readonly" in result.stderr and "read-only" in result.stderr and "Traceback" not in result.output
    assert count(db) == 1
    queried = json.loads(cli("documents", "--db", read_only, "--json").stdout)
    assert len(queried) == 1  # reading still works
    assert json.loads(cli("check", "--db", read_only, "--json").stdout)["problems"] == []
    assert not (tmp_path / "file:").exists()  # the URI form is a file name, not a folder to create


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_read_only_file_and_folder_are_a_clear_error(tmp_path, no_extraction):
    folder = articles(tmp_path / "in", 2)
    store = tmp_path / "store"
    store.mkdir()
    db = store / "x.db"
    cli("ingest", str(folder / "a0000.txt"), "--db", str(db))
    os.chmod(db, 0o444)
    os.chmod(store, 0o555)
    try:
        result = cli("ingest", str(folder), "--db", str(db), ok=False)
    finally:
        os.chmod(store, 0o755)
        os.chmod(db, 0o644)
    assert result.exit_code == 1 and "Traceback" not in result.output and "error" in result.stderr


def test_unwritable_output_folder_is_a_clear_error(tmp_path, no_extraction):
    (tmp_path / "a.txt").write_text(ARTICLE.format(n=1), encoding="utf-8")
    (tmp_path / "file").write_text("x")
    result = cli("extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "file" / "out"), ok=False)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "file" in result.stderr and "Traceback" not in result.output


# --- backup, restore, check -----------------------------------------------------------------------

def _rows(url: str) -> dict[str, list]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                    for t in store_backup.TABLES}
    finally:
        engine.dispose()


def _fill(url: str, n: int) -> None:
    engine = open_store(url)
    with Session(engine) as s:
        for i in range(n):
            t = ARTICLE.format(n=i)
            ingest_record(s, Record(id=f"r{i}", text=t, province="Sóc Trăng", published="2024-05-15",
                                    documents=[Document(f"{i}-KL/TW", "Kết luận", str(i), f"{i}-KL/TW")],
                                    people=[Person("Trịnh Hoài Nam", "Đại tá", ["Bí thư Huyện ủy"])]))
    engine.dispose()


def _new_url(db_url: str, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    from tests.pg import fresh_database

    return fresh_database(os.environ["VNPOLICY_TEST_PG"])


def test_backup_then_restore_gives_the_same_store(db_url, tmp_path):
    _fill(db_url, 12)
    dump = tmp_path / "store.backup"
    done = json.loads(cli("backup", str(dump), "--db", db_url, "--json").stdout)
    assert dump.is_file() and done["bytes"] == dump.stat().st_size
    target = _new_url(db_url, tmp_path)
    restored = json.loads(cli("restore", str(dump), "--db", target, "--json").stdout)
    assert restored["counts"]["articles"] == 12
    assert _rows(target) == _rows(db_url)
    assert json.loads(cli("check", "--db", target, "--json").stdout)["problems"] == []
    found = json.loads(cli("search", "Trần Đề", "--db", target, "--json").stdout)
    assert len(found) == 12  # the search index came along
    again = cli("restore", str(dump), "--db", target, ok=False)
    assert again.exit_code == 1 and "Traceback" not in again.output


def test_sqlite_restore_replaces_only_with_force(tmp_path):
    src, other = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    _fill(src, 3)
    _fill(other, 5)
    dump = tmp_path / "a.backup"
    cli("backup", str(dump), "--db", src)
    refused = cli("restore", str(dump), "--db", other, ok=False)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert count(tmp_path / "b.db") == 5
    cli("restore", str(dump), "--db", other, "--force")
    assert _rows(other) == _rows(src)


def test_backup_while_another_process_writes(tmp_path, no_extraction):
    folder = articles(tmp_path / "in", 150)
    db = tmp_path / "live.db"
    cli("ingest", str(folder / "a0000.txt"), "--db", str(db))
    proc = multiprocessing.get_context("fork").Process(
        target=_child, args=(["ingest", str(folder), "--db", str(db)], _slow_extraction))
    proc.start()
    try:
        deadline = time.monotonic() + 60  # hang guard
        while count(db) < 10:
            assert time.monotonic() < deadline and proc.is_alive()
            time.sleep(0.01)
        cli("backup", str(tmp_path / "live.backup"), "--db", str(db))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
    copy = tmp_path / "copy.db"
    cli("restore", str(tmp_path / "live.backup"), "--db", str(copy))
    assert 10 <= count(copy) <= 150
    assert store_backup.check(str(copy))["problems"] == []


def test_check_reports_damage(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    _fill(url, 4)
    assert "ok (4 articles)" in cli("check", "--db", url).stdout
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute("DELETE FROM search_fts WHERE rowid = (SELECT min(id) * 4 FROM articles)")
    result = cli("check", "--db", url, ok=False)
    assert result.exit_code == 1 and "missing from the search index" in result.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    for args in (["check", "--db", str(junk)], ["restore", str(junk), "--db", str(tmp_path / "n.db")],
                 ["backup", str(tmp_path / "x.backup"), "--db", str(tmp_path / "none.db")]):
        result = cli(*args, ok=False)
        assert result.exit_code == 1 and "Traceback" not in result.output and "error" in result.stderr, args
