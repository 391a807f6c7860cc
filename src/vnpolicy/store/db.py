"""Where the store lives and how it is opened: URL resolution, engine, migrations.

The default is an SQLite file in the user's data folder; ``--db`` or
``VNPOLICY_DB`` give any SQLAlchemy URL (a bare path means an SQLite file).
SQLite runs in WAL mode with explicit ``BEGIN`` so that each ingested article
is one atomic transaction and a killed run leaves a consistent file.
"""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url


def default_url() -> str:
    return f"sqlite:///{Path(user_data_dir('vnpolicy')) / 'vnpolicy.db'}"


def resolve_url(db: str | None = None) -> str:
    """``db``, else ``$VNPOLICY_DB``, else the default file; a bare path becomes an SQLite URL."""
    db = db or os.environ.get("VNPOLICY_DB") or default_url()
    if "://" not in db:
        db = f"sqlite:///{Path(db).expanduser().resolve()}"
    return db


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL (also in URI form, ``sqlite:///file:PATH?mode=ro&uri=true``), else None."""
    if url.get_backend_name() != "sqlite":
        return None
    db = url.database or ""
    if url.query.get("uri") in ("true", "1") and db.startswith("file:"):
        db = db[len("file:"):]
    return None if db in ("", ":memory:") or url.query.get("mode") == "memory" else Path(db)


def describe(engine: Engine) -> str:
    """The database as a user should see it: the file for SQLite, the URL without password else."""
    path = sqlite_file(engine.url)
    return str(path.resolve()) if path else engine.url.render_as_string(hide_password=True)


#: Execution option of a connection that will write: SQLite begins it with BEGIN IMMEDIATE.
WRITE = "vnpolicy_write"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # autocommit driver; transactions are ours (BEGIN below)
        cur = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A writer takes the write lock up front: a read transaction that later writes fails at once
        # ("database is locked") when another process committed in between, whatever the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def connect(db: str | None = None) -> Engine:
    """An engine for ``db`` (see :func:`resolve_url`), creating an SQLite file's folder if needed."""
    url = make_url(resolve_url(db))
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if url.get_backend_name() == "sqlite":
        _sqlite_setup(engine)
    return engine


def alembic_config(connection=None) -> Config:
    """Alembic configuration pointing at the packaged migrations; no alembic.ini needed."""
    cfg = Config()
    cfg.set_main_option("script_location", "vnpolicy:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def open_store(db: str | None = None) -> Engine:
    """Connect and bring the schema to the newest revision."""
    engine = connect(db)
    upgrade(engine)
    return engine
