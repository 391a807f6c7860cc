"""What the pages and the API read, shaped for them: bounded, aggregated in SQL
(a page of a much-cited document must not load its thousands of events), and
JSON-ready. Tracker-level answers come from :mod:`.tracker`.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .. import gazetteer, registry
from .. import record as rec
from ..store import queries
from ..store import search as store_search
from ..store.models import (
    Article,
    Award,
    Document,
    DocumentMention,
    Event,
    EventDocument,
    Person,
    PersonPosition,
    Province,
)
from ..store.search.terms import folded_words
from ..text import fold
from . import tracker


def iso(d: dt.date | dt.datetime | None) -> str | None:
    return d.isoformat() if d else None


def event_dict(e: Event) -> dict:
    return {"id": e.id, "article": e.article_id, "article_ref": e.article.ext_id, "title": e.article.title,
            "kind": e.kind, "period": e.period, "date": iso(e.date), "published": iso(e.article.published),
            "organizer": e.organizer, "province": e.province.name if e.province else None,
            "documents": [{"id": link.document.id, "key": link.document.key} for link in e.links],
            "evidence": {"start": e.start, "end": e.end} if e.start is not None else None,
            "updated": iso(e.article.ingested_at)}


def events_query():
    return select(Event).join(Event.article).options(
        selectinload(Event.links).selectinload(EventDocument.document),
        selectinload(Event.province), selectinload(Event.article).load_only(
            Article.id, Article.ext_id, Article.title, Article.published, Article.ingested_at))


def event_list(session: Session, ids_stmt) -> list[dict]:
    """Events as :func:`event_dict` makes them, for a select of event ids (in its order), with
    three plain queries instead of ORM objects: pages list up to a hundred of them."""
    ids = session.scalars(ids_stmt).all()
    if not ids:
        return []
    links: dict[int, list[dict]] = {}
    for eid, did, key in session.execute(
            select(EventDocument.event_id, Document.id, Document.key).join(Document, Document.id == EventDocument.document_id)
            .where(EventDocument.event_id.in_(ids)).order_by(EventDocument.event_id, EventDocument.seq)):
        links.setdefault(eid, []).append({"id": did, "key": key})
    rows = session.execute(
        select(Event.id, Event.article_id, Article.ext_id, Article.title, Event.kind, Event.period, Event.date,
               Article.published, Event.organizer, Province.name, Event.start, Event.end, Article.ingested_at)
        .join(Article, Article.id == Event.article_id).outerjoin(Province, Province.id == Event.province_id)
        .where(Event.id.in_(ids)))
    by_id = {r[0]: {"id": r[0], "article": r[1], "article_ref": r[2], "title": r[3], "kind": r[4], "period": r[5],
                    "date": iso(r[6]), "published": iso(r[7]), "organizer": r[8], "province": r[9],
                    "documents": links.get(r[0], []),
                    "evidence": {"start": r[10], "end": r[11]} if r[10] is not None else None,
                    "updated": iso(r[12])} for r in rows}
    return [by_id[i] for i in ids]


def document_dict(d: Document) -> dict:
    return {"id": d.id, "key": d.key, "scope": d.scope, "type": d.type, "number": d.number, "symbol": d.symbol,
            "issued": iso(d.issued), "issuer": d.issuer, "subject": d.subject}


def home(session: Session) -> dict:
    latest = event_list(session, select(Event.id).order_by(Event.date.desc().nulls_last(), Event.id.desc()).limit(10))
    open_ = tracker.due_reviews(session, within_days=180)
    return {"totals": queries.totals(session), "latest": latest,
            "overdue": [r for r in open_ if r["status"] != "upcoming"][-15:][::-1],
            "upcoming": [r for r in open_ if r["status"] == "upcoming"][:15]}


def document_page(session: Session, doc: Document) -> dict:
    cov = tracker.coverage_matrix(session, doc)
    recent = event_list(session, select(EventDocument.event_id).where(EventDocument.document_id == doc.id)
                        .order_by(EventDocument.event_id.desc()).limit(20))
    n_articles = session.scalar(select(func.count()).select_from(DocumentMention)
                                .where(DocumentMention.document_id == doc.id))
    rel = tracker.page_relations(session, doc)
    keys = {r["key"] for group in rel.values() for r in group if r.get("key")}
    ids = dict(session.execute(select(Document.key, Document.id).where(Document.key.in_(keys))).all()) if keys else {}
    return {"doc": document_dict(doc), "aliases": sorted(a.alias for a in doc.aliases),
            "registry": registry.load().get(doc.key), "relations": rel, "doc_ids": ids, "coverage": cov,
            "timeline": tracker.document_timeline(session, doc.id), "province_counts": tracker.province_counts(cov),
            "recent": sorted(recent, key=lambda e: e["date"] or e["published"] or "", reverse=True),
            "articles": n_articles}


def province_row(session: Session, name: str) -> Province | None:
    ids = queries.province_ids(session, name)
    return session.get(Province, ids[0]) if ids else None


def province_page(session: Session, prov: Province, page: int = 0, per_page: int = 100) -> dict:
    """A province's events by date (newest first, a page of them), the documents its events
    cover and the registry's documents they do not, and the people seen there."""
    evs = event_list(session, select(Event.id).where(Event.province_id == prov.id)
                     .order_by(Event.date.desc().nulls_last(), Event.id.desc()).offset(page * per_page).limit(per_page))
    n_events = session.scalar(select(func.count()).select_from(Event).where(Event.province_id == prov.id))
    covered = session.execute(
        select(Document.id, Document.key, Document.subject, Event.kind, func.count())
        .select_from(EventDocument).join(Event, Event.id == EventDocument.event_id)
        .join(Document, Document.id == EventDocument.document_id)
        .where(Event.province_id == prov.id).group_by(Document.id, Event.kind))
    docs: dict[int, dict] = {}
    for did, key, subject, kind, n in covered:
        docs.setdefault(did, {"id": did, "key": key, "subject": subject, "stages": {}})["stages"][kind] = n
    covered_keys = {d["key"] for d in docs.values()}
    missing = [e for e in registry.load() if e.key not in covered_keys]
    people = session.execute(
        select(Person.id, Person.name, func.count(func.distinct(PersonPosition.article_id)),
               func.max(PersonPosition.position))
        .join(PersonPosition, PersonPosition.person_id == Person.id)
        .where(PersonPosition.province_id == prov.id).group_by(Person.id)
        .order_by(func.count(func.distinct(PersonPosition.article_id)).desc(), Person.name).limit(60)).all()
    return {"province": prov.name, "new_unit": prov.new_unit or gazetteer.old_to_new(prov.name),
            "military_region": prov.military_region, "events": evs, "page": page, "per_page": per_page,
            "n_events": n_events, "covered": sorted(docs.values(), key=lambda d: -sum(d["stages"].values())),
            "missing": missing, "people": [{"id": i, "name": n, "articles": a, "position": p}
                                           for i, n, a, p in people]}


def provinces(session: Session) -> list[dict]:
    counts = dict(session.execute(select(Event.province_id, func.count()).group_by(Event.province_id)).all())
    return [{"name": p.name, "new_unit": p.new_unit, "military_region": p.military_region,
             "events": counts.get(p.id, 0)} for p in session.scalars(select(Province).order_by(Province.name))]


def article_record(session: Session, a: Article) -> rec.Record:
    """The record as stored: every fact with the span it was read from."""
    def span(s, e):
        return rec.Span(s, e) if s is not None else None

    mentions = session.scalars(select(DocumentMention).where(DocumentMention.article_id == a.id)
                               .options(selectinload(DocumentMention.document))
                               .order_by(DocumentMention.seq)).all()
    docs = [rec.Document(m.document.key, m.document.type, m.document.number, m.document.symbol,
                         iso(m.document.issued), m.document.issuer, m.document.subject, span(m.start, m.end))
            for m in mentions]
    events = [rec.Event(e.kind, e.period, iso(e.date), e.organizer, [link.document.key for link in e.links],
                        span(e.start, e.end))
              for e in session.scalars(select(Event).where(Event.article_id == a.id).order_by(Event.seq)
                                       .options(selectinload(Event.links).selectinload(EventDocument.document)))]
    people: dict[int, rec.Person] = {}
    for pp in session.scalars(select(PersonPosition).where(PersonPosition.article_id == a.id)
                              .options(selectinload(PersonPosition.person)).order_by(PersonPosition.id)):
        p = people.setdefault(pp.person_id, rec.Person(pp.person.name, pp.rank, [], span(pp.start, pp.end)))
        if pp.position:
            p.positions.append(pp.position)
    awards = [rec.Award(w.kind, w.giver, w.collectives, w.individuals, span(w.start, w.end))
              for w in session.scalars(select(Award).where(Award.article_id == a.id).order_by(Award.id))]
    return rec.Record(id=a.ext_id, published=iso(a.published), province=a.province.name if a.province else None,
                      province_inferred=a.province_inferred, events=events, documents=docs,
                      people=list(people.values()), awards=awards, title=a.title, source=a.source,
                      province_evidence=span(a.province_start, a.province_end), warnings=list(a.warnings or []),
                      text=a.text)


def person_page(session: Session, p: Person) -> dict:
    """The tracker's identity of this person (positions over time, across provinces)."""
    ident = tracker.person(session, p) or {"name": p.name, "person_ids": [p.id], "provinces": [p.scope],
                                           "ranks": [], "timeline": [], "articles": []}
    refs = {a for pos in ident["timeline"] for a in pos["articles"]} | set(ident["articles"])
    ids = {}
    if refs:
        ids = {r: (i, t) for i, r, t in session.execute(select(Article.id, Article.ext_id, Article.title)
                                                         .where(Article.ext_id.in_(refs)))}
    return ident | {"id": p.id, "article_links": {r: {"id": i, "title": t or r} for r, (i, t) in ids.items()}}


def search(session: Session, q: str, province: str | None = None, document: str | None = None,
           kind: str | None = None, year: int | None = None, limit: int = 200, shown: int = 50) -> dict:
    """Hits of every kind, best first; article hits narrowed by the facets, facet counts over
    the article hits, snippets for the ``shown`` first. Rows are loaded in batches: the
    store's own ``search()`` loads hit by hit, too slow for a page of 200 hits."""
    toks = folded_words(q)
    found = store_search.matches(session, q, limit)
    art_ids = [i for k, i in found if k == "article"]
    arts: dict[int, dict] = {}
    if art_ids:
        for a in session.execute(select(Article.id, Article.ext_id, Article.title, Article.published,
                                        Province.name).outerjoin(Province, Province.id == Article.province_id)
                                 .where(Article.id.in_(art_ids))):
            arts[a.id] = {"id": a.id, "ref": a.ext_id, "title": a.title, "published": iso(a.published),
                          "year": a.published.year if a.published else None, "province": a.name,
                          "kinds": set(), "documents": set()}
        for aid, k in session.execute(select(Event.article_id, Event.kind).where(Event.article_id.in_(arts))):
            arts[aid]["kinds"].add(k)
        for aid, key in session.execute(select(DocumentMention.article_id, Document.key).join(Document)
                                        .where(DocumentMention.article_id.in_(arts))):
            arts[aid]["documents"].add(key)
    items = [arts[i] for i in art_ids if i in arts]
    facets = {name: Counter() for name in ("province", "document", "kind", "year")}
    for a in items:
        facets["province"][a["province"]] += bool(a["province"])
        facets["year"][a["year"]] += bool(a["year"])
        for k in a["kinds"]:
            facets["kind"][k] += 1
        for d in a["documents"]:
            facets["document"][d] += 1

    def keep(a):
        return ((not province or fold(a["province"] or "") == fold(province))
                and (not document or document in a["documents"]) and (not kind or kind in a["kinds"])
                and (not year or a["year"] == year))

    chosen = [a | {"kinds": sorted(a["kinds"]), "documents": sorted(a["documents"])} for a in items if keep(a)]
    texts = dict(session.execute(select(Article.id, Article.text).where(
        Article.id.in_([a["id"] for a in chosen[:shown]]))).all()) if chosen else {}
    for a in chosen:
        a["snippet"] = store_search.snippet(texts[a["id"]], toks) if a["id"] in texts else None
    doc_ids = [i for k, i in found if k == "document"]
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(doc_ids)))} if doc_ids else {}
    person_ids = [i for k, i in found if k == "person"]
    people = ({p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
              if person_ids else {})
    return {"q": q, "articles": chosen,
            "documents": [{"id": i, "key": docs[i].key, "subject": docs[i].subject, "scope": docs[i].scope}
                          for i in doc_ids if i in docs],
            "people": [{"id": i, "name": people[i].name, "scope": people[i].scope} for i in person_ids if i in people],
            "facets": {k: [(v, n) for v, n in c.most_common(12) if v and n] for k, c in facets.items()}}
