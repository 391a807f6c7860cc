"""The store: migrations, the write path, identity rules, queries and search.

Records here are built by hand from invented sentences in the genre, so the
tests do not depend on the extractor.
"""
from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from vnpolicy.record import Award, Document, Event, Person, Record, Span
from vnpolicy.store import content_hash, document_scope, ingest_record, open_store, queries, search
from vnpolicy.store import models as m
from vnpolicy.store.db import alembic_config, connect, describe, resolve_url, upgrade

TEXT_A = ("Sáng 12/3, Đảng ủy Quân sự tỉnh Sóc Trăng tổ chức hội nghị quán triệt Nghị quyết số 44-NQ/TW "
          "của Ban Chấp hành Trung ương Đảng về Chiến lược bảo vệ Tổ quốc trong tình hình mới và "
          "Chỉ thị số 31-CT/TU của Ban Thường vụ Tỉnh ủy. Đồng chí Lâm Văn Bình, Phó Bí thư Tỉnh ủy, "
          "chủ trì hội nghị. Dịp này, 5 tập thể và 7 cá nhân được tặng Bằng khen.")
TEXT_B = ("Ngày 2/9, Ban Thường vụ Tỉnh ủy Bạc Liêu sơ kết 3 năm thực hiện Chỉ thị số 31-CT/TU. "
          "Ông Lâm Văn Bình, Chủ tịch UBND tỉnh phát biểu chỉ đạo.")


def span(text_: str, part: str) -> Span:
    start = text_.index(part)
    return Span(start, start + len(part))


def record_a(**changes) -> Record:
    rec = Record(
        id="art-a", published="2024-03-12", province="Sóc Trăng", province_evidence=span(TEXT_A, "Sóc Trăng"),
        title="Quán triệt Nghị quyết 44", source="https://example.org/a", text=TEXT_A,
        documents=[
            Document("44-NQ/TW@2023", "Nghị quyết", "44", "44-NQ/TW", None, "Ban Chấp hành Trung ương Đảng",
                     "Chiến lược bảo vệ Tổ quốc trong tình hình mới", span(TEXT_A, "Nghị quyết số 44-NQ/TW")),
            Document("31-CT/TU", "Chỉ thị", "31", "31-CT/TU", None, "Ban Thường vụ Tỉnh ủy", None,
                     span(TEXT_A, "Chỉ thị số 31-CT/TU")),
        ],
        events=[Event("quan_triet", None, "2024-03-12", "Đảng ủy Quân sự tỉnh Sóc Trăng",
                      ["44-NQ/TW@2023", "31-CT/TU"], span(TEXT_A, "tổ chức hội nghị quán triệt"))],
        people=[Person("Lâm Văn Bình", None, ["Phó Bí thư Tỉnh ủy"], span(TEXT_A, "Lâm Văn Bình"))],
        awards=[Award("Bằng khen", None, 5, 7, span(TEXT_A, "5 tập thể và 7 cá nhân"))],
    )
    for name, value in changes.items():
        setattr(rec, name, value)
    return rec


def record_b() -> Record:
    return Record(
        id="art-b", published="2024-09-03", province="Bạc Liêu", text=TEXT_B,
        documents=[Document("31-CT/TU", "Chỉ thị", "31", "31-CT/TU", None, None, None,
                            span(TEXT_B, "Chỉ thị số 31-CT/TU"))],
        events=[Event("so_ket", "3 năm", "2024-09-02", "Ban Thường vụ Tỉnh ủy Bạc Liêu", ["31-CT/TU"],
                      span(TEXT_B, "sơ kết 3 năm"))],
        people=[Person("Lâm Văn Bình", None, ["Chủ tịch UBND tỉnh"], span(TEXT_B, "Lâm Văn Bình"))],
    )


@pytest.fixture
def engine(db_url):
    eng = open_store(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with Session(engine) as s:
        yield s


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- migrations --------------------------------------------------------------------------------------

def test_migration_from_empty_to_head_matches_models(db_url):
    eng = connect(db_url)
    upgrade(eng)
    with eng.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": search.include_name, "compare_type": True})
        assert compare_metadata(ctx, m.Base.metadata) == []
        assert ctx.get_current_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
        tables = set(inspect(conn).get_table_names())
    assert set(m.Base.metadata.tables) <= tables
    assert "search_fts" in tables
    eng.dispose()


def test_downgrade_removes_everything_and_upgrade_restores(db_url):
    eng = connect(db_url)
    upgrade(eng)
    with eng.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(eng).get_table_names()) == {"alembic_version"}
    upgrade(eng)
    assert set(m.Base.metadata.tables) <= set(inspect(eng).get_table_names())
    eng.dispose()


def test_url_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("VNPOLICY_DB", raising=False)
    assert resolve_url().endswith("vnpolicy.db") and resolve_url().startswith("sqlite:///")
    monkeypatch.setenv("VNPOLICY_DB", str(tmp_path / "env.db"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_url("postgresql://u:secret@h/db") == "postgresql://u:secret@h/db"
    eng = connect(str(tmp_path / "sub" / "file.db"))
    assert describe(eng) == str(tmp_path / "sub" / "file.db") and (tmp_path / "sub").is_dir()


# --- write path -------------------------------------------------------------------------------------

def test_write_then_read_back_with_spans(session):
    assert ingest_record(session, record_a()) is True
    art = session.scalar(select(m.Article))
    assert (art.ext_id, art.published.isoformat(), art.province.name) == ("art-a", "2024-03-12", "Sóc Trăng")
    assert art.text[art.province_start:art.province_end] == "Sóc Trăng"
    assert art.content_hash == content_hash(record_a())

    ev = session.scalar(select(m.Event))
    assert [link.document.key for link in ev.links] == ["44-NQ/TW@2023", "31-CT/TU"]
    assert art.text[ev.start:ev.end] == "tổ chức hội nghị quán triệt"
    assert ev.province.name == "Sóc Trăng"

    doc = session.scalar(select(m.Document).where(m.Document.key == "44-NQ/TW@2023"))
    assert doc.scope == "" and doc.subject.startswith("Chiến lược")
    assert {a.alias for a in doc.aliases} == {"44-NQ/TW", "Nghị quyết số 44-NQ/TW"}
    mention = session.scalar(select(m.DocumentMention).where(m.DocumentMention.document_id == doc.id))
    assert art.text[mention.start:mention.end] == "Nghị quyết số 44-NQ/TW"

    pos = session.scalar(select(m.PersonPosition))
    assert (pos.person.name, pos.position, pos.article_date.isoformat()) == \
        ("Lâm Văn Bình", "Phó Bí thư Tỉnh ủy", "2024-03-12")
    award = session.scalar(select(m.Award))
    assert (award.collectives, award.individuals, award.event_id) == (5, 7, ev.id)
    assert art.text[award.start:award.end] == "5 tập thể và 7 cá nhân"


def test_reingest_changes_nothing(session):
    assert ingest_record(session, record_a())
    before = {t: count(session, t) for t in (m.Article, m.Document, m.DocumentAlias, m.Event, m.Person,
                                             m.PersonPosition, m.Award, m.DocumentMention)}
    fts_before = session.scalar(text("SELECT count(*) FROM search_fts"))
    assert ingest_record(session, record_a()) is False
    assert {t: count(session, t) for t in before} == before
    assert session.scalar(text("SELECT count(*) FROM search_fts")) == fts_before


def test_same_id_with_other_text_is_another_article(session):
    assert ingest_record(session, record_a())
    assert ingest_record(session, record_a(text=TEXT_A + " Tin: Phóng viên."))
    assert count(session, m.Article) == 2
    assert count(session, m.Document) == 2  # documents are shared, not duplicated


def test_failed_write_leaves_nothing(session, monkeypatch):
    def boom(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(search, "index_article", boom)
    with pytest.raises(RuntimeError):
        ingest_record(session, record_a())
    for model in (m.Article, m.Document, m.Event, m.Person, m.Province):
        assert count(session, model) == 0


def test_inside_callers_transaction_uses_a_savepoint(session):
    session.begin()
    assert ingest_record(session, record_a())
    assert ingest_record(session, record_b())
    session.rollback()
    assert count(session, m.Article) == 0  # this read opens a transaction: the next write nests in it
    assert ingest_record(session, record_a())
    session.commit()
    assert count(session, m.Article) == 1


def test_provincial_documents_are_kept_apart_central_ones_shared(session):
    ingest_record(session, record_a())
    ingest_record(session, record_b())
    rows = session.execute(select(m.Document.key, m.Document.scope).order_by(m.Document.key, m.Document.scope))
    assert rows.all() == [("31-CT/TU", "Bạc Liêu"), ("31-CT/TU", "Sóc Trăng"), ("44-NQ/TW@2023", "")]
    # one person row per folded name and province, for now
    assert session.execute(select(m.Person.scope).order_by(m.Person.scope)).scalars().all() == \
        ["Bạc Liêu", "Sóc Trăng"]


def test_later_article_fills_document_gaps_without_overwriting(session):
    ingest_record(session, record_a())
    other = Record(id="art-c", text="Nghị quyết 44-NQ/TW ngày 24/11/2023.", documents=[
        Document("44-NQ/TW@2023", "Nghị quyết", "44", "44-NQ/TW", "2023-11-24", "Trung ương", "khác")])
    ingest_record(session, other)
    doc = session.scalar(select(m.Document).where(m.Document.key == "44-NQ/TW@2023"))
    assert doc.issued.isoformat() == "2023-11-24"
    assert doc.issuer == "Ban Chấp hành Trung ương Đảng"
    assert doc.subject.startswith("Chiến lược")


def test_bad_dates_are_dropped_not_fatal(session):
    assert ingest_record(session, record_a(published="2024-02-30", id="odd"))
    assert session.scalar(select(m.Article.published)) is None


@pytest.mark.parametrize("doc, province, scope", [
    (Document("31-CT/TU", symbol="31-CT/TU"), "Sóc Trăng", "Sóc Trăng"),
    (Document("280-NQ/ĐU@2021", symbol="280-NQ/ĐU"), "Cà Mau", "Cà Mau"),
    (Document("1436/QĐ-UBND@2022", symbol="1436/QĐ-UBND"), "Điện Biên", "Điện Biên"),
    (Document("Chương trình 20", type="Chương trình"), "Hà Nội", "Hà Nội"),
    (Document("44-NQ/TW@2023", symbol="44-NQ/TW"), "Sóc Trăng", ""),
    (Document("21/2019/NĐ-CP", symbol="21/2019/NĐ-CP"), "Sóc Trăng", ""),
    (Document("Luật Quốc phòng 2018", type="Luật"), "Sóc Trăng", ""),
    (Document("Kế hoạch 12", issuer="Bộ Chính trị"), "Sóc Trăng", ""),
    (Document("Kế hoạch 12", issuer="UBND tỉnh"), "Sóc Trăng", "Sóc Trăng"),
    (Document("31-CT/TU", symbol="31-CT/TU"), None, ""),
    (Document("87-CTr/TU@2021"), "Sóc Trăng", "Sóc Trăng"),  # an event's link gives only the key
])
def test_document_scope(doc, province, scope):
    assert document_scope(doc, province) == scope


# --- queries ----------------------------------------------------------------------------------------

def test_events_filters(session):
    ingest_record(session, record_a())
    ingest_record(session, record_b())
    assert [e["article"] for e in queries.list_events(session)] == ["art-a", "art-b"]
    assert [e["article"] for e in queries.list_events(session, province="soc trang")] == ["art-a"]
    assert [e["article"] for e in queries.list_events(session, province="Tỉnh Bạc Liêu")] == ["art-b"]
    assert queries.list_events(session, province="Atlantis") == []
    assert [e["kind"] for e in queries.list_events(session, doc="44-nq/tw")] == ["quan_triet"]
    assert len(queries.list_events(session, doc="31-CT/TU")) == 2
    assert [e["kind"] for e in queries.list_events(session, kind="so_ket")] == ["so_ket"]
    import datetime as dt
    assert [e["article"] for e in queries.list_events(session, since=dt.date(2024, 6, 1))] == ["art-b"]


def test_document_lookup_by_key_symbol_alias_and_folded(session):
    ingest_record(session, record_a())
    for ref in ("44-NQ/TW@2023", "44-NQ/TW", "Nghị quyết số 44-NQ/TW", "nghi quyet so 44-nq/tw"):
        assert [d.key for d in queries.find_documents(session, ref)] == ["44-NQ/TW@2023"], ref
    detail = queries.document_detail(session, queries.find_documents(session, "44-NQ/TW")[0])
    assert detail["articles"][0]["id"] == "art-a"
    assert detail["events"][0]["date"] == "2024-03-12" and detail["events"][0]["province"] == "Sóc Trăng"


def test_person_positions_over_time(session):
    ingest_record(session, record_b())
    ingest_record(session, record_a())
    found = queries.find_people(session, "lam van binh")
    assert {p["scope"] for p in found} == {"Sóc Trăng", "Bạc Liêu"}
    everything = sorted((r["date"], r["position"]) for p in found for r in p["positions"])
    assert everything == [("2024-03-12", "Phó Bí thư Tỉnh ủy"), ("2024-09-03", "Chủ tịch UBND tỉnh")]
    assert queries.find_people(session, "Bình")  # part of a name
    assert queries.find_people(session, "Nguyễn Không Có") == []


# --- search -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, kind, ref", [
    ("dang uy quan su", "article", "art-a"),
    ("Đảng ủy Quân sự", "article", "art-a"),
    ("ĐẢNG ỦY QUÂN SỰ", "article", "art-a"),
    ("lam van binh", "person", "Lâm Văn Bình"),
    ("chien luoc bao ve to quoc", "document", "44-NQ/TW@2023"),
    ("44-NQ/TW", "document", "44-NQ/TW@2023"),
    ("quan triet nghi quyet 44", "article", "art-a"),
])
def test_search_ignores_case_and_diacritics(session, query, kind, ref):
    ingest_record(session, record_a())
    ingest_record(session, record_b())
    hits = search.search(session, query)
    assert (kind, ref) in {(h.kind, h.ref) for h in hits}


def test_search_snippet_shows_original_text(session):
    ingest_record(session, record_a())
    hit = next(h for h in search.search(session, "dang uy quan su") if h.kind == "article")
    assert "Đảng ủy Quân sự" in hit.snippet


def test_search_all_words_must_match(session):
    ingest_record(session, record_a())
    ingest_record(session, record_b())
    refs = {h.ref for h in search.search(session, "so ket bac lieu")}
    assert "art-b" in refs and "art-a" not in refs
    assert search.search(session, "hoàn toàn vắng mặt") == []


@pytest.mark.parametrize("query", ['"', "'", "%", "_", "--", "*", "(", ")", "a OR b", "NEAR(x y)",
                                   'dang" OR "x', "'; DROP TABLE articles; --", "44*", "", "   ", "^"])
def test_search_input_is_literal(session, query):
    ingest_record(session, record_a())
    hits = search.search(session, query)
    assert isinstance(hits, list)
    assert count(session, m.Article) == 1


def test_provinces_take_gazetteer_names_and_facts(session):
    ingest_record(session, record_a(province="TP.HCM"))
    other = record_b()
    other.province = "Đảo Giấy"  # not a province the gazetteer knows: kept as seen
    ingest_record(session, other)
    rows = session.execute(select(m.Province.name, m.Province.is_new, m.Province.new_unit,
                                  m.Province.military_region).order_by(m.Province.name)).all()
    assert rows == [("Hồ Chí Minh", False, "Hồ Chí Minh", "Quân khu 7"), ("Đảo Giấy", None, None, None)]
    assert [e["article"] for e in queries.list_events(session, province="thanh pho ho chi minh")] == ["art-a"]
    assert [e["article"] for e in queries.list_events(session, province="dao giay")] == ["art-b"]


def test_generic_search_backend(session, monkeypatch):
    """What databases without an index of their own get (run here on SQLite)."""
    ingest_record(session, record_a())
    ingest_record(session, record_b())
    monkeypatch.setattr(search, "_backend", lambda _session: search.generic)
    assert ("person", "Lâm Văn Bình") in {(h.kind, h.ref) for h in search.search(session, "lam van binh")}
    assert {h.ref for h in search.search(session, "quân sự")} == {"art-a"}
    assert {h.ref for h in search.search(session, "44-NQ/TW")} == {"44-NQ/TW@2023", "art-a"}
    assert search.search(session, '100%') == []


def test_migration_renders_for_postgresql(capsys):
    """The schema stays portable: offline DDL for PostgreSQL, without the SQLite search index."""
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", "postgresql://user@host/vnpolicy")
    command.upgrade(cfg, "head", sql=True)
    ddl = capsys.readouterr().out
    assert "CREATE TABLE event_documents" in ddl and "SERIAL" in ddl
    assert "fts5" not in ddl


def test_overlong_fields_are_clipped_to_their_columns(session):
    """A record posted or loaded from elsewhere may carry anything; PostgreSQL would refuse the row."""
    rec = record_a()
    rec.events[0].period = "năm " * 100
    rec.people[0].rank = "Đại tá " * 40
    assert ingest_record(session, rec)
    period = session.scalar(select(m.Event.period))
    assert period == ("năm " * 100)[:30]
    assert len(session.scalar(select(m.PersonPosition.rank))) == 50


def test_two_writers_on_one_sqlite_file_both_complete(tmp_path):
    """Two ingests side by side (two engines, as two processes would be): each article's transaction
    takes the write lock up front (BEGIN IMMEDIATE) and waits, instead of failing with "database is
    locked" when the other committed between its first read and its first write."""
    import threading

    url = f"sqlite:///{tmp_path / 'two.db'}"
    engines = {tag: open_store(url) for tag in ("x", "y")}  # migrations run here, one at a time
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        engine = engines[tag]
        try:
            for i in range(15):
                rec = record_a(id=f"{tag}-{i}", text=TEXT_A + f" ({tag} {i})")
                with Session(engine) as s:
                    assert ingest_record(s, rec)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    engine = open_store(url)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(m.Article)) == 30
    engine.dispose()
