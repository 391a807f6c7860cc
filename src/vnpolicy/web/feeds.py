"""Atom feeds (per document, per province, per search) and the review calendar (.ics),
so a feed reader or calendar follows new events without visiting the site."""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import Article, Document, Event, EventDocument
from . import data, tracker
from .app import Reader, get_session

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
def document_feed(request: Request, doc_id: int, session: Session = Depends(get_session)):
    d = session.get(Document, doc_id)
    if d is None:
        raise HTTPException(404, "no such document")
    evs = _latest(session, data.events_query().join(EventDocument).where(EventDocument.document_id == d.id))
    return _atom(request, f"vnpolicy: {d.key}", request.url.path, evs)


@router.get("/provinces/{name}.atom")
def province_feed(request: Request, name: str, session: Session = Depends(get_session)):
    prov = data.province_row(session, name)
    if prov is None:
        raise HTTPException(404, "no such province")
    evs = _latest(session, data.events_query().where(Event.province_id == prov.id))
    return _atom(request, f"vnpolicy: {prov.name}", request.url.path, evs)


@router.get("/search.atom")
def search_feed(request: Request, q: str = Query(..., min_length=1, max_length=200),
                session: Session = Depends(get_session)):
    res = data.search(session, q)
    ids = [a["id"] for a in res["articles"]]
    evs = _latest(session, data.events_query().where(Article.id.in_(ids))) if ids else []
    return _atom(request, f"vnpolicy: {q}", f"{request.url.path}?{request.url.query}", evs)


def _ics_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@router.get("/reviews.ics")
def calendar(request: Request, session: Session = Depends(get_session)):
    """Every scheduled review as an all-day event on its due date."""
    host = request.url.hostname or "vnpolicy"
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//vnpolicy//reviews//VI", "CALSCALE:GREGORIAN"]
    for r in tracker.due_reviews(session, horizon_days=3650):
        day = r.due.strftime("%Y%m%d")
        lines += ["BEGIN:VEVENT", f"UID:{_ics_text(r.key)}-{r.kind}-{day}@{host}", f"DTSTAMP:{now}",
                  f"DTSTART;VALUE=DATE:{day}",
                  f"DTEND;VALUE=DATE:{(r.due + dt.timedelta(days=1)).strftime('%Y%m%d')}",
                  f"SUMMARY:{_ics_text(f'{r.kind} {r.key}')}",
                  f"DESCRIPTION:{_ics_text(f'{r.status}: {r.held}/{r.launched} provinces')}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return Response("\r\n".join(lines) + "\r\n", media_type="text/calendar; charset=utf-8")
