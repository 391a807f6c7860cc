"""`vnpolicy watch`: keep the store current from live feeds, sitemaps and URL lists."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.markup import escape

from .. import watch as live
from .common import DB, JSON, _print_json, _session, _table, app, err


@app.command()
def watch(config: Path = typer.Argument(..., help="YAML list of sources (feeds, sitemaps, URL lists)."),
          once: bool = typer.Option(False, "--once", help="One pass over the sources, then exit (for cron)."),
          db: str | None = DB, as_json: bool = JSON):
    """Fetch new articles from live sources politely, extract and store them."""
    try:
        cfg = live.load_config(config)
    except live.WatchError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from None

    def show(reports: list[live.SourceReport]) -> None:
        if as_json:
            return _print_json([asdict(r) for r in reports])
        _table("watch", ["source", "listed", "new", "stored", "unchanged", "errors"],
               [[r.source, "not modified" if r.not_modified else r.listed, r.new, r.stored, r.unchanged,
                 len(r.errors)] for r in reports])
        for r in reports:
            for e in r.errors:
                err.print(f"[yellow]{escape(e)}[/yellow]")

    with _session(db) as session:
        live.watch(cfg, session, once=once, on_report=show)
