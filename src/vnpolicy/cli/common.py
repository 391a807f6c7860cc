"""What every command shares: the app, the database option, JSON and table output."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from ..store import open_store

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Vietnamese news → policy-implementation records.")
err = Console(stderr=True)


@app.callback()
def main() -> None:
    """Vietnamese news → policy-implementation records: documents, meetings, people, places."""


DB = typer.Option(None, "--db", envvar="VNPOLICY_DB", show_envvar=True,
                  help="SQLAlchemy URL or SQLite file (default: the user data folder).")
JSON = typer.Option(False, "--json", help="Plain JSON on stdout, for machines.")
_SHORT_COLUMNS = {"key", "date", "issued", "kind", "article", "articles", "events"}


def _out() -> Console:
    return Console(highlight=False)


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=1) + "\n")


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    engine = open_store(db)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def _table(title: str, columns: list[str], rows: list[list]) -> None:
    table = Table(title=escape(title))
    for c in columns:
        table.add_column(c, overflow="fold", no_wrap=c in _SHORT_COLUMNS)
    for r in rows:
        table.add_row(*("" if v is None else escape(str(v)) for v in r))
    _out().print(table)


