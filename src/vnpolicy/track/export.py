"""Exports: the store as tables (CSV, JSON Lines, Parquet), a knowledge graph (GraphML) and the
review calendar (iCalendar, RFC 5545, so a staff office can subscribe).

Tables: documents, articles, meetings, events, links (event → document),
relations (implements, replaces), people (identities across articles),
positions (a person's titles with first and last dates), calendar (expected
reviews and their status). The graph has typed nodes — ``document``,
``event`` (a meeting, however many reports), ``unit``, ``person`` — and edges
``held`` (unit → event), ``concerns`` (event → document, with the stage),
``reported_with`` (person → event), ``implements`` and ``replaces``
(document → document).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ..registry import load as load_registry
from ..store.models import (Article, Document, DocumentRelation, Event, EventDocument, EventMeeting, Meeting,
                            MeetingDocument, Province)
from . import calendar, people
from .lifecycle import stage_of

FORMATS = ("csv", "jsonl", "parquet", "graphml", "ics")


def _plain(v):
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


def _rows(session: Session, query) -> Iterable[dict]:
    for row in session.execute(query).mappings():
        yield {k: _plain(v) for k, v in row.items()}


def _tables(session: Session, today: dt.date) -> dict[str, Callable[[], Iterable[dict]]]:
    """Each table as a function producing its rows (dicts of plain values)."""
    src, tgt = aliased(Document), aliased(Document)
    reports = (select(func.count()).where(EventMeeting.meeting_id == Meeting.id)
               .correlate(Meeting).scalar_subquery())

    def documents():
        return _rows(session, select(Document.id, Document.key, Document.scope, Document.type, Document.number,
                                     Document.symbol, Document.issued, Document.issuer, Document.subject)
                     .order_by(Document.id))

    def articles():
        return _rows(session, select(Article.id, Article.ext_id, Article.source, Article.title, Article.published,
                                     Province.name.label("province"))
                     .outerjoin(Province, Province.id == Article.province_id).order_by(Article.id))

    def meetings():
        return _rows(session, select(Meeting.id, Meeting.kind, Meeting.period, Meeting.date, Meeting.unit,
                                     Province.name.label("province"), reports.label("reports"))
                     .outerjoin(Province, Province.id == Meeting.province_id).order_by(Meeting.id))

    def events():
        return _rows(session, select(Event.id, Article.ext_id.label("article"),
                                     EventMeeting.meeting_id.label("meeting"), Event.seq, Event.kind, Event.period,
                                     Event.date, Event.organizer, Province.name.label("province"),
                                     Event.start, Event.end)
                     .join(Article, Article.id == Event.article_id)
                     .outerjoin(EventMeeting, EventMeeting.event_id == Event.id)
                     .outerjoin(Province, Province.id == Event.province_id).order_by(Event.id))

    def links():
        return _rows(session, select(EventDocument.event_id.label("event"), EventMeeting.meeting_id.label("meeting"),
                                     EventDocument.seq, EventDocument.document_id.label("document"),
                                     Document.key.label("document_key"), Document.scope.label("document_scope"))
                     .join(Document, Document.id == EventDocument.document_id)
                     .outerjoin(EventMeeting, EventMeeting.event_id == EventDocument.event_id)
                     .order_by(EventDocument.event_id, EventDocument.seq))

    def relations():
        yield from _rows(session, select(DocumentRelation.kind, src.key.label("source"),
                                         DocumentRelation.source_text, tgt.key.label("target"),
                                         Article.ext_id.label("article"), Province.name.label("province"),
                                         DocumentRelation.start, DocumentRelation.end)
                         .outerjoin(src, src.id == DocumentRelation.source_id)
                         .join(tgt, tgt.id == DocumentRelation.target_id)
                         .join(Article, Article.id == DocumentRelation.article_id)
                         .outerjoin(Province, Province.id == DocumentRelation.province_id)
                         .order_by(DocumentRelation.id))
        for e in load_registry():
            for old in e.replaces:
                yield {"kind": "replaces", "source": e.key, "source_text": e.key, "target": old,
                       "article": None, "province": None, "start": None, "end": None}

    def people_rows():
        for p in people.all_identities(session):
            yield {"id": p["id"], "name": p["name"], "provinces": "; ".join(p["provinces"]),
                   "ranks": "; ".join(p["ranks"]), "first": p["first"], "last": p["last"],
                   "articles": len(p["articles"]), "person_ids": " ".join(map(str, p["person_ids"]))}

    def positions():
        for p in people.all_identities(session):
            for t in p["timeline"]:
                yield {"person": p["id"], "name": p["name"], "position": t["position"], "first": t["first"],
                       "last": t["last"], "provinces": "; ".join(t["provinces"]),
                       "articles": " ".join(t["articles"])}

    def calendar_rows():
        for r in calendar.due(session, today=today):
            found = r["found"] or {}
            yield {"document": r["document"], "scope": r["scope"], "unit": r["unit"], "province": r["province"],
                   "review": r["review"], "expected": r["expected"], "basis": r["basis"], "status": r["status"],
                   "found_date": found.get("date"), "found_meeting": found.get("meeting"),
                   "found_articles": " ".join(x["article"] for x in found.get("reports", []))}

    return {"documents": documents, "articles": articles, "meetings": meetings, "events": events,
            "links": links, "relations": relations, "people": people_rows, "positions": positions,
            "calendar": calendar_rows}


def _write_csv(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(f, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_parquet(path: Path, rows: Iterable[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(list(rows)), path)


def graph(session: Session):
    """The knowledge graph as a networkx MultiDiGraph (typed nodes, typed edges)."""
    import networkx as nx

    g = nx.MultiDiGraph()

    def node(name: str, **attrs):
        g.add_node(name, **{k: v for k, v in attrs.items() if v is not None})

    for d in session.execute(select(Document.id, Document.key, Document.scope, Document.issued, Document.subject)):
        node(f"document:{d.id}", type="document", key=d.key, scope=d.scope, issued=_plain(d.issued),
             label=d.key, subject=d.subject)
    keys = {}
    for d in session.execute(select(Document.id, Document.key).where(Document.scope == "")):
        keys[d.key] = f"document:{d.id}"
    for m in session.execute(select(Meeting.id, Meeting.kind, Meeting.period, Meeting.date, Meeting.unit,
                                    Province.name.label("province"))
                             .outerjoin(Province, Province.id == Meeting.province_id)):
        node(f"event:{m.id}", type="event", kind=m.kind, period=m.period, date=_plain(m.date),
             province=m.province, label=f"{stage_of(m.kind, m.period)} {_plain(m.date) or ''}".strip())
        if m.unit:
            node(f"unit:{m.unit}", type="unit", label=m.unit, province=m.province)
            g.add_edge(f"unit:{m.unit}", f"event:{m.id}", type="held")
    for mid, did, kind, period in session.execute(
            select(MeetingDocument.meeting_id, MeetingDocument.document_id, Meeting.kind, Meeting.period)
            .join(Meeting, Meeting.id == MeetingDocument.meeting_id)):
        g.add_edge(f"event:{mid}", f"document:{did}", type="concerns", stage=stage_of(kind, period))
    for rel in session.scalars(select(DocumentRelation)):
        if rel.source_id is not None:
            g.add_edge(f"document:{rel.source_id}", f"document:{rel.target_id}", type=rel.kind)
    for e in load_registry():
        for old in e.replaces:
            if e.key in keys and old in keys:
                g.add_edge(keys[e.key], keys[old], type="replaces")
    meetings_of: dict[str, set[int]] = {}
    for ext, mid in session.execute(select(Article.ext_id, EventMeeting.meeting_id)
                                    .join(Event, Event.article_id == Article.id)
                                    .join(EventMeeting, EventMeeting.event_id == Event.id)):
        meetings_of.setdefault(ext, set()).add(mid)
    for p in people.all_identities(session):
        node(f"person:{p['id']}", type="person", label=p["name"], provinces="; ".join(p["provinces"]),
             positions="; ".join(t["position"] for t in p["timeline"]))
        for mid in sorted({m for a in p["articles"] for m in meetings_of.get(a, ())}):
            g.add_edge(f"person:{p['id']}", f"event:{mid}", type="reported_with")
    return g


def _ics_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 line folding: at most 75 octets per line, continuation lines start with a space."""
    out, cur = [], b""
    for ch in line:
        b = ch.encode()
        if len(cur) + len(b) > (75 if not out else 74):
            out.append(cur.decode())
            cur = b""
        cur += b
    out.append(cur.decode())
    return "\r\n ".join(out)


def ics(rows: Iterable[dict], stamp: dt.datetime | None = None) -> str:
    """The review calendar as iCalendar text: one all-day event per expected review."""
    stamp = (stamp or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//vnpolicy//review calendar//VI", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:vnpolicy – expected reviews"]
    for r in rows:
        day = dt.date.fromisoformat(r["expected"])
        uid = hashlib.sha1(f"{r['document']}|{r['scope']}|{r['unit']}|{r['review']}".encode()).hexdigest()
        where = r["unit"] or "national"
        summary = f"{r['review']} {r['document']} – {where}"
        desc = (f"{r['review']} of {r['document']} expected ({r['basis']}) for {where}. Status: {r['status']}"
                + (f", found on {r['found_date']}" if r.get("found_date") else "") + ". " + calendar.ABSENCE_NOTE)
        lines += ["BEGIN:VEVENT", f"UID:{uid}@vnpolicy", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_ics_text(summary)}",
                  f"DESCRIPTION:{_ics_text(desc)}", f"CATEGORIES:{_ics_text(r['status'])}", "TRANSP:TRANSPARENT",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def export(session: Session, fmt: str, out: Path, today: dt.date | None = None) -> list[Path]:
    """Write the store in ``fmt`` under ``out``; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    tables = _tables(session, today or dt.date.today())
    if fmt == "graphml":
        import networkx as nx

        path = out / "vnpolicy.graphml"
        nx.write_graphml(graph(session), path)
        return [path]
    if fmt == "ics":
        path = out / "reviews.ics"
        path.write_text(ics(tables["calendar"]()), encoding="utf-8", newline="")
        return [path]
    writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
    paths = []
    for name, rows in tables.items():
        path = out / f"{name}.{fmt}"
        writer(path, rows())
        paths.append(path)
    return paths
