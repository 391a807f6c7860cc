"""What the pages and the API read, shaped for them: bounded, aggregated in SQL
(a page of a much-cited document must not load its thousands of events), and
JSON-ready. Tracker-level answers come from :mod:`.tracker`.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .. import gazetteer, registry
from .. import record as rec
from ..store import queries
from ..store import search as store_search
from ..store.models import (Article, Award, Document, DocumentMention, Event, EventDocument, Person,
                            PersonPosition, Province)
from ..text import fold
from . import tracker


def iso(d: dt.date | dt.datetime | None) -> str | None:
    return d.isoformat() if d else None


def when(e: Event) -> dt.date | None:
    return e.date or e.article.published


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


def document_dict(d: Document) -> dict:
    return {"id": d.id, "key": d.key, "scope": d.scope, "type": d.type, "number": d.number, "symbol": d.symbol,
            "issued": iso(d.issued), "issuer": d.issuer, "subject": d.subject}


def home(session: Session) -> dict:
    latest = session.scalars(events_query().order_by(Event.date.desc().nulls_last(), Event.id.desc())
                             .limit(10)).all()
    reviews = tracker.due_reviews(session)
    return {"totals": queries.totals(session), "latest": [event_dict(e) for e in latest],
            "overdue": [r for r in reviews if r.status == "overdue"][:15],
            "upcoming": [r for r in reviews if r.status == "upcoming"][:15]}


def document_page(session: Session, doc: Document) -> dict:
    cov = tracker.coverage(session, doc.id)
    per_province = Counter()
    for name, cells in cov.items():
        if name:
            per_province[gazetteer.canonical(name) or name] += sum(c.count for c in cells.values())
    recent = session.scalars(events_query().join(EventDocument).where(EventDocument.document_id == doc.id)
                             .order_by(Event.id.desc()).limit(20)).all()
    n_articles = session.scalar(select(func.count()).select_from(DocumentMention)
                                .where(DocumentMention.document_id == doc.id))
    entry = registry.load().get(doc.key)
    return {"doc": document_dict(doc), "aliases": sorted(a.alias for a in doc.aliases),
            "registry": entry, "relations": _relations(session, doc.key), "coverage": cov,
            "stages": [s for s in tracker.STAGES if any(s in c for c in cov.values())],
            "timeline": tracker.document_timeline(session, doc.id), "province_counts": dict(per_province),
            "recent": [event_dict(e) for e in sorted(recent, key=lambda e: (when(e) or dt.date.min),
                                                      reverse=True)],
            "articles": n_articles}


def _relations(session: Session, key: str) -> list[dict]:
    out = []
    for r in tracker.relations(key):
        target = session.scalar(select(Document.id).where(Document.key == r["key"]).limit(1))
        out.append(r | {"id": target})
    return out


def coverage_json(session: Session, doc: Document) -> dict:
    return {"document": doc.key, "stages": list(tracker.STAGES),
            "units": [{"province": name or None,
                       "stages": {k: {"count": c.count, "latest_event": c.latest_event} for k, c in cells.items()}}
                      for name, cells in tracker.coverage(session, doc.id).items()]}


def province_row(session: Session, name: str) -> Province | None:
    ids = queries.province_ids(session, name)
    return session.get(Province, ids[0]) if ids else None


def province_page(session: Session, prov: Province, limit: int = 200) -> dict:
    evs = session.scalars(events_query().where(Event.province_id == prov.id)
                          .order_by(Event.date.desc().nulls_last(), Event.id.desc()).limit(limit)).all()
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
            "military_region": prov.military_region, "events": [event_dict(e) for e in evs],
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
    rows = session.scalars(
        select(PersonPosition).where(PersonPosition.person_id == p.id)
        .options(selectinload(PersonPosition.article).load_only(Article.id, Article.ext_id, Article.title),
                 selectinload(PersonPosition.province))
        .order_by(PersonPosition.article_date.is_(None), PersonPosition.article_date, PersonPosition.id)).all()
    spans: dict[str, dict] = {}  # position → first/last seen
    for r in rows:
        if not r.position:
            continue
        s = spans.setdefault(r.position, {"position": r.position, "first": r.article_date, "last": r.article_date,
                                          "articles": []})
        if r.article_date and (s["first"] is None or r.article_date < s["first"]):
            s["first"] = r.article_date
        if r.article_date and (s["last"] is None or r.article_date > s["last"]):
            s["last"] = r.article_date
        if r.article_id not in [x["id"] for x in s["articles"]]:
            s["articles"].append({"id": r.article_id, "title": r.article.title or r.article.ext_id,
                                  "date": iso(r.article_date)})
    ranks = list(dict.fromkeys(r.rank for r in rows if r.rank))
    timeline = [s | {"first": iso(s["first"]), "last": iso(s["last"])}
                for s in sorted(spans.values(), key=lambda s: (s["first"] is None, s["first"] or dt.date.min))]
    return {"id": p.id, "name": p.name, "scope": p.scope, "ranks": ranks, "timeline": timeline,
            "articles": list(dict.fromkeys(r.article_id for r in rows)),
            "updated": iso(max((r.article_date for r in rows if r.article_date), default=None))}


def search(session: Session, q: str, province: str | None = None, document: str | None = None,
           kind: str | None = None, year: int | None = None, limit: int = 200) -> dict:
    """Hits of every kind, article hits narrowed by the facets, and facet counts over them."""
    hits = store_search.search(session, q, limit=limit)
    refs = [h.ref for h in hits if h.kind == "article"]
    arts: dict[int, dict] = {}
    if refs:
        for a in session.execute(select(Article.id, Article.ext_id, Article.title, Article.published,
                                        Province.name).outerjoin(Province, Province.id == Article.province_id)
                                 .where(Article.ext_id.in_(refs))):
            arts[a.id] = {"id": a.id, "ref": a.ext_id, "title": a.title, "published": iso(a.published),
                          "year": a.published.year if a.published else None, "province": a.name,
                          "kinds": set(), "documents": set()}
        for aid, k in session.execute(select(Event.article_id, Event.kind).where(Event.article_id.in_(arts))):
            arts[aid]["kinds"].add(k)
        for aid, key in session.execute(select(DocumentMention.article_id, Document.key).join(Document)
                                        .where(DocumentMention.article_id.in_(arts))):
            arts[aid]["documents"].add(key)
    snippets = {h.ref: h.snippet for h in hits if h.kind == "article"}
    order = {r: i for i, r in enumerate(refs)}
    items = sorted(arts.values(), key=lambda a: order.get(a["ref"], 0))
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

    chosen = [a | {"snippet": snippets.get(a["ref"]), "kinds": sorted(a["kinds"]),
                   "documents": sorted(a["documents"])} for a in items if keep(a)]
    docs = [h for h in hits if h.kind == "document"]
    doc_ids = defaultdict(list)
    for d in session.execute(select(Document.id, Document.key).where(Document.key.in_([h.ref for h in docs]))):
        doc_ids[d.key].append(d.id)
    people = [h for h in hits if h.kind == "person"]
    person_ids = {}
    if people:
        for pid, folded, scope in session.execute(select(Person.id, Person.folded, Person.scope).where(
                Person.folded.in_([fold(" ".join(h.ref.split())) for h in people]))):
            person_ids[(folded, scope)] = pid
    return {"q": q, "articles": chosen,
            "documents": [{"id": (doc_ids.get(h.ref) or [None])[0], "key": h.ref, "subject": h.title,
                           "scope": h.scope} for h in docs],
            "people": [{"id": person_ids.get((fold(" ".join(h.ref.split())), h.scope or "")), "name": h.ref,
                        "scope": h.scope} for h in people],
            "facets": {k: [(v, n) for v, n in c.most_common(12) if v and n] for k, c in facets.items()}}


def find_document(session: Session, ref: str) -> Document | None:
    """A document by id ("123") or key/symbol/alias (first match)."""
    if ref.isdigit():
        return session.get(Document, int(ref))
    found = queries.find_documents(session, ref)
    return found[0] if found else None


