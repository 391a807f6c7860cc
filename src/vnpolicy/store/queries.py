"""Read side: the questions the CLI (and later the web UI) ask, answered as plain dicts.

Every answer is JSON-ready (ISO dates, evidence as ``{"start", "end"}`` into
the article's text). Names typed by users are matched folded, so "soc trang",
"TP.HCM" or "44-nq/tw" find what they mean.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session, selectinload

from .. import gazetteer
from ..text import fold
from .models import (Article, Document, DocumentAlias, DocumentMention, Event, EventDocument, Person,
                     PersonPosition, Province)

_PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp)\b")


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _span(start: int | None, end: int | None) -> dict | None:
    return {"start": start, "end": end} if start is not None else None


def _province_form(name: str) -> str:
    """Comparable form of a province name: folded, without "tỉnh"/"thành phố", letters and digits only."""
    return re.sub(r"[\W_]", "", _PROVINCE_PREFIX.sub("", fold(name).strip()))


def province_ids(session: Session, name: str) -> list[int]:
    """Stored provinces that ``name`` means, in any spelling the gazetteer knows ("TPHCM", "soc trang")."""
    wanted = _province_form(gazetteer.canonical(name) or name)
    return [p.id for p in session.scalars(select(Province)) if _province_form(p.name) == wanted]


def find_documents(session: Session, ref: str) -> list[Document]:
    """Documents named by key, symbol or alias: exactly first, then ignoring case and diacritics.

    A symbol can name several documents (Party numbers restart every term,
    provincial ones repeat across provinces): all are returned.
    """
    ref = " ".join(ref.split())
    rows = session.scalars(select(Document).where(or_(Document.key == ref, Document.symbol == ref))
                           .order_by(Document.key, Document.scope)).all()
    if not rows:
        rows = session.scalars(select(Document).join(DocumentAlias).where(DocumentAlias.alias == ref)
                               .order_by(Document.key, Document.scope)).all()
    if not rows:
        f = fold(ref)
        rows = [d for d in session.scalars(select(Document).options(selectinload(Document.aliases))
                                           .order_by(Document.key, Document.scope))
                if f in {fold(d.key), fold(d.symbol or "")} | {fold(a.alias) for a in d.aliases}]
    return list(rows)


def _document_facts(d: Document) -> dict:
    return {"key": d.key, "scope": d.scope, "type": d.type, "number": d.number, "symbol": d.symbol,
            "issued": _iso(d.issued), "issuer": d.issuer, "subject": d.subject}


def list_documents(session: Session, province: str | None = None) -> list[dict]:
    """Documents (those cited by articles of ``province`` if given), with how many articles cite
    each and how many events each is linked to, in all."""
    articles = (select(func.count()).where(DocumentMention.document_id == Document.id)
                .correlate(Document).scalar_subquery())
    events = (select(func.count(distinct(EventDocument.event_id)))
              .where(EventDocument.document_id == Document.id).correlate(Document).scalar_subquery())
    q = select(Document, articles, events).order_by(articles.desc(), Document.key, Document.scope)
    if province:
        q = q.where(Document.id.in_(select(DocumentMention.document_id).join(Article).where(
            Article.province_id.in_(province_ids(session, province)))))
    rows = session.execute(q)
    return [_document_facts(d) | {"articles": n_art, "events": n_ev} for d, n_art, n_ev in rows]


def _event_dict(e: Event) -> dict:
    return {"article": e.article.ext_id, "kind": e.kind, "period": e.period, "date": _iso(e.date),
            "published": _iso(e.article.published), "organizer": e.organizer,
            "province": e.province.name if e.province else None,
            "documents": [link.document.key for link in e.links], "evidence": _span(e.start, e.end)}


def _events_query():
    return (select(Event).join(Event.article)
            .options(selectinload(Event.links).selectinload(EventDocument.document),
                     selectinload(Event.province), selectinload(Event.article)))


def document_detail(session: Session, d: Document) -> dict:
    """A document's facts, aliases, the articles citing it and the events linked to it."""
    mentions = session.execute(
        select(DocumentMention, Article).join(Article).where(DocumentMention.document_id == d.id)
        .options(selectinload(Article.province))
        .order_by(Article.published.is_(None), Article.published, Article.id)).all()
    when = func.coalesce(Event.date, Article.published)
    events = session.scalars(_events_query().join(EventDocument).where(EventDocument.document_id == d.id)
                             .order_by(when.is_(None), when, Event.id)).unique()
    return _document_facts(d) | {
        "aliases": sorted(a.alias for a in d.aliases),
        "articles": [{"id": a.ext_id, "title": a.title, "published": _iso(a.published),
                      "province": a.province.name if a.province else None,
                      "evidence": _span(m.start, m.end)} for m, a in mentions],
        "events": [_event_dict(e) for e in events],
    }


def list_events(session: Session, province: str | None = None, doc: str | None = None,
                kind: str | None = None, since: dt.date | None = None) -> list[dict]:
    """Events in date order (the event's own date, else its article's), filtered as asked."""
    when = func.coalesce(Event.date, Article.published)
    q = _events_query()
    if province:
        q = q.where(Event.province_id.in_(province_ids(session, province)))
    if doc:
        ids = [d.id for d in find_documents(session, doc)]
        q = q.where(Event.id.in_(select(EventDocument.event_id).where(EventDocument.document_id.in_(ids))))
    if kind:
        q = q.where(Event.kind == kind)
    if since:
        q = q.where(when >= since)
    return [_event_dict(e) for e in session.scalars(q.order_by(when.is_(None), when, Event.id))]


def find_people(session: Session, name: str) -> list[dict]:
    """People whose folded name is ``name`` folded (else contains it), with their dated positions."""
    f = " ".join(fold(name).split())
    people = session.scalars(select(Person).where(Person.folded == f).order_by(Person.scope)).all()
    if not people:
        people = session.scalars(select(Person).where(Person.folded.contains(f, autoescape=True))
                                 .order_by(Person.folded, Person.scope)).all()
    by_person: dict[int, list[PersonPosition]] = {p.id: [] for p in people}
    for r in session.scalars(
            select(PersonPosition).where(PersonPosition.person_id.in_(by_person))
            .options(selectinload(PersonPosition.article), selectinload(PersonPosition.province))
            .order_by(PersonPosition.article_date.is_(None), PersonPosition.article_date, PersonPosition.id)):
        by_person[r.person_id].append(r)
    out = []
    for p in people:
        rows = by_person[p.id]
        out.append({
            "name": p.name, "scope": p.scope,
            "articles": list(dict.fromkeys(r.article.ext_id for r in rows)),
            "positions": [{"position": r.position, "rank": r.rank, "date": _iso(r.article_date),
                           "province": r.province.name if r.province else None,
                           "article": r.article.ext_id, "evidence": _span(r.start, r.end)}
                          for r in rows if r.position],
        })
    return out


def totals(session: Session) -> dict[str, int]:
    """Row counts a summary reports."""
    return {name: session.scalar(select(func.count()).select_from(model)) for name, model in
            (("articles", Article), ("documents", Document), ("events", Event), ("people", Person))}
