"""Backup, restore and integrity check of a store.

SQLite is copied with its online backup API, so a backup is consistent even
while another process ingests; the copy is checked (``PRAGMA integrity_check``)
and made a self-contained file before it replaces the destination. PostgreSQL
is dumped with ``pg_dump`` as plain SQL and restored with ``psql`` in one
transaction. :func:`check` is what a user runs after a crash or a restore: the
database's own consistency checks plus the store's invariants (schema at the
newest revision, each article once, every article in the search index).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from .db import connect, describe, resolve_url, sqlite_file, upgrade

__all__ = ["BackupError", "backup", "check", "restore"]

#: Tables whose row counts a backup reports and a check compares.
TABLES = ("articles", "documents", "document_aliases", "document_mentions", "events", "event_documents",
          "people", "person_positions", "awards", "provinces", "meetings", "event_meetings",
          "meeting_documents", "document_relations")
_PAGES_PER_STEP = 1024  # the backup copies this many pages at a time, letting writers in between
_PG_TIMEOUT_S = 3600


class BackupError(Exception):
    """A backup, restore or check that cannot be done; the message says why, in the user's terms."""


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    path = sqlite_file(url)
    if path is None:
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return path


def _sqlite_connect(path: Path, what: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open {what} ({exc})") from None
    return conn


def _is_store(conn: sqlite3.Connection) -> bool:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"alembic_version", "articles"} <= names


def _integrity(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _table_counts(conn) -> dict[str, int]:
    """Row counts of the store's tables (an SQLAlchemy or sqlite3 connection)."""
    run = conn.exec_driver_sql if hasattr(conn, "exec_driver_sql") else conn.execute
    present = _table_names(conn)
    return {t: run(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES if t in present}


def _table_names(conn) -> set[str]:
    if isinstance(conn, sqlite3.Connection):
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(inspect(conn).get_table_names())


def backup(db: str | None, dest: Path | str) -> dict:
    """Copy the store ``db`` to the file ``dest`` (replaced only once the copy is complete and sound)."""
    url = make_url(resolve_url(db))
    dest = Path(dest)
    if dest.is_dir():
        raise BackupError(f"{dest}: is a folder; give the backup file's name")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent}: no such folder")
    path = _sqlite_path(url)
    if path is None:
        _pg_dump(url, dest)
        return {"database": url.render_as_string(hide_password=True), "backup": str(dest),
                "bytes": dest.stat().st_size}
    if not path.is_file():
        raise BackupError(f"{path}: no database there")
    tmp = dest.with_name(f".{dest.name}.partial")
    tmp.unlink(missing_ok=True)
    src = _sqlite_connect(path, "the database")
    try:
        if not _is_store(src):
            raise BackupError(f"{path}: not a vnpolicy database")
        out = sqlite3.connect(tmp)
        try:
            src.backup(out, pages=_PAGES_PER_STEP)
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            problems = _integrity(out)
            counts = _table_counts(out)
        finally:
            out.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"backup of {path} to {dest} failed: {exc}") from None
    finally:
        src.close()
    if problems:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"the copy of {path} fails its integrity check: {'; '.join(problems[:5])}")
    os.replace(tmp, dest)
    return {"database": str(path), "backup": str(dest), "bytes": dest.stat().st_size, "counts": counts}


def restore(src: Path | str, db: str | None, force: bool = False) -> dict:
    """Load the backup file ``src`` into the store ``db``, then bring its schema up to date.

    An SQLite store that already holds articles is replaced only with ``force``;
    a PostgreSQL database must be empty."""
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"{src}: no such backup file")
    url = make_url(resolve_url(db))
    path = _sqlite_path(url)
    if path is None:
        _pg_restore(src, url)
    else:
        _sqlite_restore(src, path, force)
    engine = connect(str(url))
    try:
        upgrade(engine)
        with engine.connect() as conn:
            counts = _table_counts(conn)
        return {"database": describe(engine), "backup": str(src), "counts": counts}
    finally:
        engine.dispose()


def _sqlite_restore(src: Path, path: Path, force: bool) -> None:
    source = _sqlite_connect(src, "the backup")
    try:
        if not _is_store(source):
            raise BackupError(f"{src}: not a vnpolicy backup")
        if problems := _integrity(source):
            raise BackupError(f"{src}: damaged backup ({'; '.join(problems[:5])})")
        path.parent.mkdir(parents=True, exist_ok=True)
        target = _sqlite_connect(path, "the database")
        try:
            if not force and _is_store(target) and target.execute("SELECT count(*) FROM articles").fetchone()[0]:
                raise BackupError(f"{path}: the database already holds articles; "
                                  "restore into a new one, or give --force to replace it")
            source.backup(target, pages=_PAGES_PER_STEP)
        except sqlite3.Error as exc:
            raise BackupError(f"restore of {src} into {path} failed: {exc}") from None
        finally:
            target.close()
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------

def _pg_env(url: URL) -> dict[str, str]:
    """libpq settings for the command-line tools: the password travels in the environment, not argv."""
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return tool


def _run(args: list[str], url: URL, what: str) -> None:
    try:
        done = subprocess.run(args, env=_pg_env(url), capture_output=True, text=True, timeout=_PG_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} took longer than {_PG_TIMEOUT_S} s") from None
    if done.returncode:
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        raise BackupError(f"{what} failed: {lines[-1] if lines else f'exit code {done.returncode}'}")


def _pg_dump(url: URL, dest: Path) -> None:
    if url.get_backend_name() != "postgresql":
        raise BackupError(f"backup supports SQLite and PostgreSQL, not {url.get_backend_name()}")
    tmp = dest.with_name(f".{dest.name}.partial")
    try:
        _run([_pg_tool("pg_dump"), "--format=plain", "--no-owner", "--no-privileges", "--file", str(tmp)],
             url, "pg_dump")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _pg_restore(src: Path, url: URL) -> None:
    if url.get_backend_name() != "postgresql":
        raise BackupError(f"restore supports SQLite and PostgreSQL, not {url.get_backend_name()}")
    engine = connect(str(url))
    try:
        with engine.connect() as conn:
            if _table_names(conn):
                raise BackupError(f"{url.render_as_string(hide_password=True)}: the database is not empty; "
                                  "restore into a new one")
    finally:
        engine.dispose()
    _run([_pg_tool("psql"), "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--single-transaction",
          "--file", str(src)], url, "psql")


# --- check ----------------------------------------------------------------------

def check(db: str | None) -> dict:
    """Consistency of a store: ``problems`` is empty when it is sound."""
    url = make_url(resolve_url(db))
    path = _sqlite_path(url)
    if path is not None and not path.is_file():
        raise BackupError(f"{path}: no database there")
    problems: list[str] = []
    if path is not None:
        conn = _sqlite_connect(path, "the database")
        try:
            problems += [f"integrity: {p}" for p in _integrity(conn)]
            problems += [f"foreign key: {t} row {r} points to a missing {p} row"
                         for t, r, p, _ in conn.execute("PRAGMA foreign_key_check")]
        finally:
            conn.close()
    engine = connect(str(url))
    try:
        with engine.connect() as conn:
            tables = _table_names(conn)
            if not {"alembic_version", "articles"} <= tables:
                raise BackupError(f"{describe(engine)}: not a vnpolicy database")
            problems += _store_problems(conn, engine.dialect.name)
            counts = _table_counts(conn)
        return {"database": describe(engine), "problems": problems, "counts": counts}
    finally:
        engine.dispose()


def _store_problems(conn, dialect: str) -> list[str]:
    from alembic.script import ScriptDirectory

    from .db import alembic_config

    problems = []
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    if current != [head]:
        problems.append(f"schema at revision {', '.join(current) or 'none'}, not {head}: "
                        "run any store command to migrate")
    dupes = conn.execute(text("SELECT count(*) - count(DISTINCT content_hash) FROM articles")).scalar()
    if dupes:
        problems.append(f"{dupes} article(s) stored more than once")
    if dialect == "sqlite":
        try:
            conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        except Exception as exc:  # noqa: BLE001 - reported, not raised: the check goes on
            reason = str(getattr(exc, "orig", exc))
            if "readonly" not in reason:  # the FTS5 check is a write: a read-only store skips it
                problems.append(f"search index: {reason}")
        conn.rollback()
    missing = conn.execute(text("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                                "(SELECT 1 FROM search_fts s WHERE s.rowid = a.id * 4)")).scalar()
    if missing:
        problems.append(f"{missing} article(s) missing from the search index")
    return problems
