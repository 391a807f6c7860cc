"""Tracker commands: the review calendar, coverage of a document, exports."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import typer
from rich.markup import escape

from ..store import queries
from ..track import calendar, meetings
from ..track.export import FORMATS, export as run_export
from ..track.lifecycle import coverage as run_coverage
from .common import DB, JSON, _out, _print_json, _session, _table, app, err

_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}


def _days(value: str | None) -> int | None:
    """"90d", "12w", "6m", "1y" or a bare number of days."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*([dwmy]?)\s*", value.lower())
    if not m:
        raise typer.BadParameter('a duration such as "90d", "12w", "6m" or "1y"')
    return int(m.group(1)) * _UNITS[m.group(2) or "d"]


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise typer.BadParameter("a date as YYYY-MM-DD") from None


@app.command()
def due(within: str | None = typer.Option(None, "--within", help='Only reviews not found that are past due or '
                                          'due within this time, e.g. "90d", "6m".'),
        province: str | None = typer.Option(None, "--province", help='Province, e.g. "dien bien".'),
        doc: str | None = typer.Option(None, "--doc", help="Only this document (key, symbol or alias)."),
        grace: str = typer.Option("180d", "--grace", help="Time after the due date before 'no report found'."),
        today: str | None = typer.Option(None, "--today", help="Reference date YYYY-MM-DD (default: today)."),
        db: str | None = DB, as_json: bool = JSON):
    """Review calendar: expected sơ kết / tổng kết of each unit that took up a document.

    Dates come from the document's own review schedule when the registry has one,
    else the customary 5-year sơ kết and 10-year tổng kết from the issue date
    ("customary"). Status: found (a review meeting was reported), upcoming, due
    (past the date, within the grace period), superseded (a newer document
    replaced it first) or "no report found" — not "overdue": the store only
    knows what the news reported, and absence of news is not absence of a meeting.
    """
    window, grace_days, day = _days(within), _days(grace), _date(today)
    with _session(db) as s:
        meetings.ensure(s)
        pids = queries.province_ids(s, province) if province else None
        dids = [d.id for d in queries.find_documents(s, doc)] if doc else None
        rows = calendar.due(s, today=day, within_days=window, province_ids=pids, doc_ids=dids,
                            grace_days=grace_days)
    if as_json:
        return _print_json(rows)
    _table(f"{len(rows)} expected reviews", ["expected", "document", "review", "unit", "province", "basis",
                                             "status", "found", "article"],
           [[r["expected"], r["document"], r["review"], r["unit"], r["province"], r["basis"], r["status"],
             r["found"] and r["found"]["date"],
             r["found"] and ", ".join(x["article"] for x in r["found"]["reports"])] for r in rows])
    _out().print(escape(calendar.ABSENCE_NOTE))


@app.command()
def coverage(key: str = typer.Argument(..., help="Key, symbol or alias of the document."),
             by: str | None = typer.Option(None, "--by", help='"region": roll up to military regions and to '
                                           "the post-2025 merged provinces."),
             db: str | None = DB, as_json: bool = JSON):
    """Which units disseminated, programmed, reviewed a document: units × stages, counting meetings
    (several reports of one meeting count once), with the share of the 63 / 34 provinces reached."""
    if by not in (None, "region"):
        raise typer.BadParameter('only "region"', param_hint="--by")
    with _session(db) as s:
        meetings.ensure(s)
        found = [run_coverage(s, d, by=by) for d in queries.find_documents(s, key)]
    if as_json:
        _print_json(found)
    else:
        for c in found:
            _show_coverage(c)
    if not found:
        err.print(f"no document matches {escape(key)!r}")
        raise typer.Exit(1)


def _show_coverage(c: dict) -> None:
    p, n = c["provinces"], c["provinces_2025"]
    _out().print(f"[bold]{escape(c['key'])}[/bold]{' (' + escape(c['scope']) + ')' if c['scope'] else ''}"
                 f" issued {c['issued'] or '?'}: {c['meetings']} meetings; provinces reached "
                 f"{p['count']}/{p['of']} ({p['share']:.0%}) before 2025, {n['count']}/{n['of']} "
                 f"({n['share']:.0%}) of the 2025 units"
                 + (f"; superseded by {', '.join(r['key'] for r in c['superseded_by'])}" if c["superseded_by"] else ""))

    def cell(u, s):
        x = u["stages"].get(s)
        return f"{x['meetings']} · {x['first'] or '?'}" if x else ""

    _table("Units × stages (meetings · first date)", ["unit", "province", *c["stages"]],
           [[u["unit"], u["province"], *(cell(u, s) for s in c["stages"])] for u in c["units"]])
    _table("Evidence (first meeting of each cell)", ["unit", "stage", "article", "evidence"],
           [[u["unit"], s, x["evidence"] and x["evidence"]["article"],
             x["evidence"] and (x["evidence"].get("evidence") or {}).get("text")]
            for u in c["units"] for s, x in u["stages"].items()])
    for name in ("regions", "merged_provinces"):
        if name in c:
            _table(name.replace("_", " ").capitalize(), ["group", "reached", *c["stages"]],
                   [[g["group"], f"{g['reached']}/{g['of']}",
                     *(f"{g['stages'][s]['meetings']} in {g['stages'][s]['provinces']}" if s in g["stages"] else ""
                       for s in c["stages"])] for g in c[name]])


@app.command("export")
def export_(fmt: str = typer.Option(..., "--format", help=" | ".join(FORMATS)),
            out: Path = typer.Option(..., "--out", help="Folder to write into (created if missing)."),
            today: str | None = typer.Option(None, "--today", help="Reference date of the calendar's statuses."),
            db: str | None = DB, as_json: bool = JSON):
    """Export tables (documents, articles, meetings, events, links, relations, people, positions,
    calendar) as csv / jsonl / parquet, the knowledge graph as GraphML, or the review calendar as ics."""
    if fmt not in FORMATS:
        raise typer.BadParameter(" | ".join(FORMATS), param_hint="--format")
    with _session(db) as s:
        meetings.ensure(s)
        paths = run_export(s, fmt, out, today=_date(today))
    if as_json:
        return _print_json([str(p) for p in paths])
    for p in paths:
        _out().print(escape(str(p)))
