"""Store commands: ingest, and the queries over what is stored."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from ..extract import extract as run_extract
from ..ingest import read_paths
from ..record import EVENT_KINDS
from ..store import describe, ingest_record, queries
from ..store import search as store_search
from ..track import people as track_people
from ..track.relations import relations as track_relations
from .common import DB, JSON, _out, _print_json, _session, _table, app, err

_PROGRESS_AFTER_S = 2.0


class _Ticker:
    """A transient progress line on stderr that appears only once a run has taken a while."""

    def __init__(self) -> None:
        self.started, self.count, self.bar, self.task = time.monotonic(), 0, None, None

    def tick(self, label: str) -> None:
        self.count += 1
        if self.bar is None and time.monotonic() - self.started > _PROGRESS_AFTER_S:
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.completed} articles in"),
                                TextColumn("{task.fields[elapsed]:.0f} s"), TextColumn("{task.description}"),
                                console=err, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("", total=None, elapsed=0.0)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.count, description=escape(label),
                            elapsed=time.monotonic() - self.started)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Text or HTML files, or folders of them."),
           db: str | None = DB, as_json: bool = JSON):
    """Extract and store articles; unreadable files are reported and skipped."""
    counts = {"new": 0, "unchanged": 0, "failed": 0}

    def on_error(message: str) -> None:
        counts["failed"] += 1
        err.print(f"[red]skipped[/red] {escape(message)}")

    ticker = _Ticker()
    with _session(db) as session:
        try:
            for article in read_paths(paths, on_error=on_error):
                try:
                    record = run_extract(article)
                except Exception as exc:  # one article's extraction bug must not stop a long run
                    on_error(f"{article.id}: extraction failed: {exc!r}")
                    continue
                counts["new" if ingest_record(session, record) else "unchanged"] += 1
                ticker.tick(article.id)
        finally:
            ticker.close()
        summary = {"database": describe(session.get_bind()), **counts, "totals": queries.totals(session)}
    if as_json:
        _print_json(summary)
    else:
        t = summary["totals"]
        _out().print(f"Database: {escape(summary['database'])}\n"
                     f"Articles: {counts['new']} new, {counts['unchanged']} unchanged, "
                     f"{counts['failed']} failed\n"
                     f"Stored: {t['articles']} articles, {t['documents']} documents, "
                     f"{t['events']} events, {t['people']} people")
    if counts["failed"] and not counts["new"] + counts["unchanged"]:
        raise typer.Exit(1)


@app.command()
def documents(province: str | None = typer.Option(None, "--province",
                                                  help="Only those cited by articles of this province."),
              db: str | None = DB, as_json: bool = JSON):
    """List stored documents, most cited first."""
    with _session(db) as s:
        rows = queries.list_documents(s, province=province)
    if as_json:
        return _print_json(rows)
    _table(f"{len(rows)} documents", ["key", "scope", "issued", "subject", "articles", "events"],
           [[r["key"], r["scope"], r["issued"], r["subject"], r["articles"], r["events"]] for r in rows])


@app.command()
def document(key: str = typer.Argument(..., help="Key, symbol or alias (case and diacritics ignored)."),
             db: str | None = DB, as_json: bool = JSON):
    """One document: its facts, aliases, the articles citing it, the events linked to it, and its
    relations (replaces / replaced by, implements / implemented by, co-mentioned documents)."""
    with _session(db) as s:
        found = [queries.document_detail(s, d) | {"relations": track_relations(s, d)}
                 for d in queries.find_documents(s, key)]
    if as_json:
        _print_json(found)
    else:
        for d in found:
            _show_document(d)
    if not found:
        err.print(f"no document matches {escape(key)!r}")
        raise typer.Exit(1)


def _show_document(d: dict) -> None:
    head = Table.grid(padding=(0, 2))
    for name in ("key", "scope", "type", "number", "symbol", "issued", "issuer", "subject"):
        if d[name]:
            head.add_row(name, escape(d[name]))
    if d["aliases"]:
        head.add_row("aliases", escape("; ".join(d["aliases"])))
    _out().print(head)
    _table("Events", ["date", "kind", "period", "organizer", "province", "article"],
           [[e["date"], e["kind"], e["period"], e["organizer"], e["province"], e["article"]] for e in d["events"]])
    _table("Cited by", ["article", "published", "province", "title"],
           [[a["id"], a["published"], a["province"], a["title"]] for a in d["articles"]])
    r = d["relations"]
    rows = [["replaces", x["key"], x["issued"], None, None] for x in r["replaces"]]
    rows += [["replaced by", x["key"], x["issued"], None, None] for x in r["replaced_by"]]
    rows += [["implements", x["key"] or x["text"], x["published"], x["province"], x["article"]]
             for x in r["implements"]]
    rows += [["implemented by", x["key"] or x["text"], x["published"], x["province"], x["article"]]
             for x in r["implemented_by"]]
    rows += [["co-mentioned", x["key"], None, x["scope"] or None, f"{x['articles']} articles"]
             for x in r["co_mentions"]]
    _table("Relations", ["relation", "document", "date", "province", "article"], rows)


def _kind(value: str | None) -> str | None:
    if value is not None and value not in EVENT_KINDS:
        raise typer.BadParameter(f"one of {', '.join(EVENT_KINDS)}")
    return value


def _since(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise typer.BadParameter("a date as YYYY-MM-DD") from None


@app.command()
def events(province: str | None = typer.Option(None, "--province", help='Province, e.g. "soc trang".'),
           doc: str | None = typer.Option(None, "--doc", help="Only events linked to this document."),
           kind: str | None = typer.Option(None, "--kind", callback=_kind, help=", ".join(EVENT_KINDS)),
           since: str | None = typer.Option(None, "--since", help="Only events on or after YYYY-MM-DD."),
           db: str | None = DB, as_json: bool = JSON):
    """List events (meetings) in date order."""
    with _session(db) as s:
        rows = queries.list_events(s, province=province, doc=doc, kind=kind, since=_since(since))
    if as_json:
        return _print_json(rows)
    _table(f"{len(rows)} events", ["date", "kind", "period", "organizer", "province", "documents", "article"],
           [[r["date"] or (r["published"] and f"({r['published']})"), r["kind"], r["period"], r["organizer"],
             r["province"], ", ".join(r["documents"]), r["article"]] for r in rows])


@app.command()
def person(name: str = typer.Argument(..., help="Name, with or without diacritics."),
           db: str | None = DB, as_json: bool = JSON):
    """A person's positions over time: first and last dates seen, provinces and articles.

    Namesakes are one person only with a compatible province or title history
    (the same name in two provinces stays two people unless a central title joins them)."""
    with _session(db) as s:
        found = track_people.find(s, name)
    if as_json:
        _print_json(found)
    else:
        for p in found:
            _table(f"{p['name']} ({', '.join(p['provinces']) or 'no province'}), {len(p['articles'])} articles"
                   + (f", {', '.join(p['ranks'])}" if p["ranks"] else ""),
                   ["first", "last", "position", "province", "articles"],
                   [[t["first"], t["last"], t["position"], ", ".join(t["provinces"]), ", ".join(t["articles"])]
                    for t in p["timeline"]])
    if not found:
        err.print(f"no person matches {escape(name)!r}")
        raise typer.Exit(1)


@app.command()
def search(text: str = typer.Argument(..., help="Words to find; case and diacritics are ignored."),
           limit: int = typer.Option(20, "--limit", min=1),
           db: str | None = DB, as_json: bool = JSON):
    """Full-text search over articles, document subjects and keys, and people's names."""
    with _session(db) as s:
        hits = [h.to_dict() for h in store_search.search(s, text, limit=limit)]
    if as_json:
        return _print_json(hits)
    _table(f"{len(hits)} hits for {text!r}", ["kind", "ref", "scope", "title / passage"],
           [[h["kind"], h["ref"], h["scope"], h["snippet"] or h["title"]] for h in hits])
