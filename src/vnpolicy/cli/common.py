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
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session
from typer.core import TyperGroup

from ..store import open_store

err = Console(stderr=True)

_HINTS = (("readonly", "the database file or its folder is read-only"),
          ("disk is full", "the disk is full; what was stored before is intact: free space and rerun"),
          ("no space left", "the disk is full; free space and rerun"),
          ("unable to open", "check the database path and its folder's permissions"))


class _Commands(TyperGroup):
    """Runs one command; a database or file-system failure ends it with one clear line and
    exit code 1, never a traceback (a full disk or a read-only database is the user's to fix)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            if isinstance(exc, DBAPIError):
                reason = f"database error: {exc.orig}"
            elif isinstance(exc, OSError):
                reason = (f"{exc.filename}: " if exc.filename else "") + str(exc.strerror or exc)
            else:
                reason = f"database error: {str(exc).splitlines()[0]}"
            hint = next((h for key, h in _HINTS if key in reason.lower()), None)
            err.print(f"[red]error[/red] {escape(reason)}" + (f" ({escape(hint)})" if hint else ""))
            raise typer.Exit(1) from None


app = typer.Typer(cls=_Commands, no_args_is_help=True, add_completion=False,
                  help="Vietnamese news → policy-implementation records.")


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


