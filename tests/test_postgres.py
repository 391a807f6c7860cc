"""PostgreSQL specifics: the search index of migration 0003 (unaccent, folded tsvector, GIN).

The general store, CLI and bulk tests already run against PostgreSQL when
``VNPOLICY_TEST_PG`` is set (their ``db_url`` fixture); these add what only
PostgreSQL has, and the offline DDL check needs no server at all.
"""
from __future__ import annotations

import os

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.test_store import record_a, record_b
from vnpolicy.store import ingest_record, search
from vnpolicy.store.db import alembic_config, connect, upgrade

needs_pg = pytest.mark.skipif(not os.environ.get("VNPOLICY_TEST_PG"), reason="VNPOLICY_TEST_PG not set")


def test_offline_postgresql_ddl_has_the_search_index(capsys):
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", "postgresql://user@host/vnpolicy")
    command.upgrade(cfg, "head", sql=True)
    ddl = capsys.readouterr().out
    assert "CREATE EXTENSION IF NOT EXISTS unaccent" in ddl
    assert "CREATE TEXT SEARCH CONFIGURATION vnpolicy" in ddl and "WITH unaccent, simple" in ddl
    assert "USING gin (tsv)" in ddl


@needs_pg
def test_existing_rows_are_indexed_by_the_migration(db_url, monkeypatch):
    """A store filled before 0003 (no index yet) is searchable, folded, right after upgrading."""
    engine = connect(db_url)
    upgrade(engine, "0002")
    monkeypatch.setattr(search, "_backend", lambda _session: search.generic)
    with Session(engine) as s:
        ingest_record(s, record_a())
        ingest_record(s, record_b())
    monkeypatch.undo()
    upgrade(engine)
    with Session(engine) as s:
        bodies = dict(s.execute(text("SELECT rowid % 4, body FROM search_fts WHERE rowid % 4 = 2")).all())
        assert bodies[2] == "lam van binh"
        assert ("article", "art-a") in {(h.kind, h.ref) for h in search.search(s, "DANG UY QUAN SU")}
        assert ("document", "44-NQ/TW@2023") in {(h.kind, h.ref) for h in search.search(s, "44-nq/tw")}
    engine.dispose()


@needs_pg
def test_index_is_maintained_and_query_syntax_stays_literal(db_url):
    engine = connect(db_url)
    upgrade(engine)
    with Session(engine) as s:
        ingest_record(s, record_a())
        ingest_record(s, record_b())
        s.commit()
        rows = s.scalar(text("SELECT count(*) FROM search_fts"))
        assert rows >= 5  # 2 articles, 2 documents, 1 person at least
        assert s.scalar(text("SELECT body FROM search_fts WHERE rowid = "
                             "(SELECT id * 4 FROM articles WHERE ext_id = 'art-b')")).startswith("ngay 2 9 ban")
        for query in ["dang & !quan", "so:* | x", "<->", "!!", "'", "quan) (su"]:
            assert isinstance(search.search(s, query), list)
        assert {h.ref for h in search.search(s, "bac lieu so ket")} == {"art-b"}
        plan = "\n".join(r for (r,) in s.execute(text(
            "EXPLAIN SELECT rowid FROM search_fts WHERE tsv @@ plainto_tsquery('vnpolicy', 'bac lieu')")))
        assert "search_fts" in plan
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
        assert conn.scalar(text("SELECT to_regclass('search_fts')")) is None
    engine.dispose()
