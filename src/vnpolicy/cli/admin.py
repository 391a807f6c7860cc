"""`vnpolicy backup`, `restore` and `check`: keeping a store safe."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..store import backup as store_backup
from ..store.backup import BackupError
from .common import DB, JSON, _out, _print_json, app, err


def _fail(exc: BackupError) -> None:
    err.print(f"[red]error[/red] {escape(str(exc))}")
    raise typer.Exit(1) from None


@app.command()
def backup(dest: Path = typer.Argument(..., help="The backup file to write (replaced once complete)."),
           db: str | None = DB, as_json: bool = JSON):
    """Copy the store to a file while it stays in use (SQLite online backup; pg_dump for PostgreSQL)."""
    try:
        done = store_backup.backup(db, dest)
    except BackupError as exc:
        _fail(exc)
    if as_json:
        return _print_json(done)
    counts = done.get("counts")
    _out().print(f"Backed up {escape(done['database'])} to {escape(done['backup'])} ({done['bytes']} bytes"
                 + (f", {counts['articles']} articles)" if counts else ")"))


@app.command()
def restore(src: Path = typer.Argument(..., help="A file written by `vnpolicy backup`."),
            db: str | None = DB,
            force: bool = typer.Option(False, "--force", help="Replace an SQLite store that holds articles."),
            as_json: bool = JSON):
    """Load a backup into a store (a new one, or an existing SQLite one with --force)."""
    try:
        done = store_backup.restore(src, db, force=force)
    except BackupError as exc:
        _fail(exc)
    if as_json:
        return _print_json(done)
    _out().print(f"Restored {escape(done['backup'])} into {escape(done['database'])}: "
                 f"{done['counts'].get('articles', 0)} articles")


@app.command()
def check(db: str | None = DB, as_json: bool = JSON):
    """Check a store: database integrity, foreign keys, each article once, search index complete."""
    try:
        done = store_backup.check(db)
    except BackupError as exc:
        _fail(exc)
    if as_json:
        _print_json(done)
    elif done["problems"]:
        for p in done["problems"]:
            err.print(f"[red]problem[/red] {escape(p)}")
    else:
        _out().print(f"{escape(done['database'])}: ok ({done['counts'].get('articles', 0)} articles)")
    if done["problems"]:
        raise typer.Exit(1)
