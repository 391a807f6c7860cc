"""Atom feeds (per document, per province, per search) and the review calendar (.ics),
so a feed reader or calendar follows new events without visiting the site."""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..store.models import Article, Document, Event, EventDocument
from ..text import fold
from . import data, tracker
from .app import DbSession, Reader, RowId

router = APIRouter(prefix="/feeds", dependencies=[Reader])
FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"


def _stamp(d: dt.date | dt.datetime | None) -> str:
    if isinstance(d, dt.datetime):
        return d.replace(microsecond=0).isoformat() + "Z"
    return f"{(d or dt.date(1970, 1, 1)).isoformat()}T00:00:00Z"


def _atom(request: Request, title: str, self_path: str, events: list[Event]) -> Response:
    base = str(request.base_url).rstrip("/")
    updated = max((e.article.ingested_at for e in events), default=None)
    entries = []
    for e in events:
        docs = ", ".join(link.document.key for link in e.links)
        where = e.province.name if e.province else ""
        summary = " · ".join(x for x in (e.kind, e.period, docs, e.organizer, where) if x)
        entries.append(
            f"<entry><id>{base}/events/{e.id}</id><title>{escape(e.article.title or e.article.ext_id)}</title>"
            f'<link href="{base}/events/{e.id}"/><updated>{_stamp(e.article.ingested_at)}</updated>'
            f"<published>{_stamp(e.date or e.article.published)}</published>"
            f"<summary>{escape(summary)}</summary></entry>")
    body = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>{base}{escape(self_path)}</id><title>{escape(title)}</title>"
            f'<link rel="self" href="{base}{escape(self_path)}"/><updated>{_stamp(updated)}</updated>'
            f"<author><name>vnpolicy</name></author>{''.join(entries)}</feed>")
    return Response(body, media_type=ATOM)


def _latest(session: Session, stmt) -> list[Event]:
    return session.scalars(stmt.order_by(Event.id.desc()).limit(FEED_SIZE)).all()


@router.get("/documents/{doc_id}.atom")
def document_feed(request: Request, session: DbSession, doc_id: RowId):
    d = session.get(Document, doc_id)
    if d is None:
        raise HTTPException(404, "no such document")
    evs = _latest(session, data.events_query().join(EventDocument).where(EventDocument.document_id == d.id))
    return _atom(request, f"vnpolicy: {d.key}", request.url.path, evs)


@router.get("/provinces/{name}.atom")
def province_feed(request: Request, session: DbSession, name: str):
    prov = data.province_row(session, name)
    if prov is None:
        raise HTTPException(404, "no such province")
    evs = _latest(session, data.events_query().where(Event.province_id == prov.id))
    return _atom(request, f"vnpolicy: {prov.name}", request.url.path, evs)


@router.get("/search.atom")
def search_feed(request: Request, session: DbSession, q: str = Query(..., min_length=1, max_length=200)):
    res = data.search(session, q)
    ids = [a["id"] for a in res["articles"]]
    evs = _latest(session, data.events_query().where(Article.id.in_(ids))) if ids else []
    return _atom(request, f"vnpolicy: {q}", f"{request.url.path}?{request.url.query}", evs)


def _ics_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@router.get("/reviews.ics")
def calendar(request: Request, session: DbSession):
    """Every expected review not yet reported, as an all-day event on its expected date."""
    host = request.url.hostname or "vnpolicy"
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//vnpolicy//reviews//VI", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:vnpolicy"]
    for r in tracker.due_reviews(session, within_days=36500):
        day = dt.date.fromisoformat(r["expected"])
        uid = fold(f"{r['document']}-{r['unit']}-{r['review']}")
        lines += ["BEGIN:VEVENT", f"UID:{_ics_text(uid.replace(' ', '-'))}@{host}", f"DTSTAMP:{now}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_ics_text(r['review'] + ' ' + r['document'] + ' · ' + r['unit'])}",
                  f"DESCRIPTION:{_ics_text(r['status'] + ' (' + r['basis'] + ')')}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return Response("\r\n".join(_fold_line(x) for x in lines) + "\r\n", media_type="text/calendar; charset=utf-8")


def _fold_line(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    out, cur = [], b""
    for ch in line:
        b = ch.encode()
        if len(cur) + len(b) > 75:
            out.append(cur.decode())
            cur = b" "
        cur += b
    out.append(cur.decode())
    return "\r\n".join(out)
