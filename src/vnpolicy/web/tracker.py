"""The tracker's answers as the web shows them: coverage matrix, due reviews, relations,
a person's timeline, meetings by month. Every page and API route asks through this module.

The API and the calendar get :mod:`vnpolicy.track`'s complete answers. Pages get bounded
versions computed here over the tracker's own tables (meetings, implements relations):
one GROUP BY instead of every meeting with its evidence, co-mentions among the latest
citing articles, so that a page of a document with thousands of meetings stays fast.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import gazetteer, registry
from ..store.models import (
    Article,
    Document,
    DocumentMention,
    DocumentRelation,
    EventMeeting,
    Meeting,
    MeetingDocument,
    Person,
    Province,
)
from ..track import calendar, lifecycle
from ..track import people as track_people
from ..track import relations as track_relations


def stage_kind(stage: str) -> str:
    """The event kind a stage label belongs to ("so_ket 5 năm" → "so_ket"), for colours and labels."""
    return stage.split(" ", 1)[0]


def coverage(session: Session, doc: Document) -> dict:
    """The tracker's full units × stages matrix (every cell with its first meeting's evidence)."""
    return lifecycle.coverage(session, doc)


def coverage_matrix(session: Session, doc: Document) -> dict:
    """The same matrix for a page, aggregated in SQL over the tracker's meetings: a much-cited
    document has thousands of meetings, and a page needs only counts, dates and, per cell, one
    report to open (the cell's earliest-numbered meeting's first event)."""
    rows = session.execute(
        select(Meeting.unit, Province.name, Meeting.kind, Meeting.period, func.count(), func.min(Meeting.date),
               func.max(Meeting.date), func.min(Meeting.id))
        .select_from(MeetingDocument).join(Meeting, Meeting.id == MeetingDocument.meeting_id)
        .outerjoin(Province, Province.id == Meeting.province_id)
        .where(MeetingDocument.document_id == doc.id)
        .group_by(Meeting.unit, Province.name, Meeting.kind, Meeting.period)).all()
    first_event = dict(session.execute(
        select(EventMeeting.meeting_id, func.min(EventMeeting.event_id))
        .where(EventMeeting.meeting_id.in_([r[7] for r in rows])).group_by(EventMeeting.meeting_id)).all()) if rows else {}
    units: dict[str, dict] = {}
    for unit, province, kind, period, n, first, last, mid in rows:
        u = units.setdefault(unit, {"unit": unit, "province": province, "stages": {}})
        stage = lifecycle.stage_of(kind, period)
        c = u["stages"].setdefault(stage, {"meetings": 0, "first": first, "last": last, "event": None, "article": None})
        c["meetings"] += n
        c["first"] = min((d for d in (c["first"], first) if d), default=None)
        c["last"] = max((d for d in (c["last"], last) if d), default=None)
        c["event"] = c["event"] or first_event.get(mid)
    for unit, province, n, article in session.execute(
            select(Province.name, Province.name, func.count(), func.min(Article.ext_id))
            .select_from(DocumentRelation).join(Article, Article.id == DocumentRelation.article_id)
            .outerjoin(Province, Province.id == DocumentRelation.province_id)
            .where(DocumentRelation.target_id == doc.id, DocumentRelation.kind == "implements")
            .group_by(Province.name)):
        u = units.setdefault(unit or "", {"unit": unit or "", "province": province, "stages": {}})
        u["stages"]["programme"] = {"meetings": n, "first": None, "last": None, "event": None, "article": article}
    stages = sorted({s for u in units.values() for s in u["stages"]}, key=lifecycle.stage_key)
    reached = sorted({u["province"] for u in units.values() if u["province"] in gazetteer.PROVINCES_OLD})
    reached_new = sorted({gazetteer.old_to_new(p) for p in reached} - {None})
    return {"stages": stages, "meetings": sum(r[4] for r in rows),
            "units": sorted(units.values(), key=lambda u: (u["province"] or "~", u["unit"])),
            "provinces": {"count": len(reached), "of": lifecycle.N_OLD},
            "provinces_2025": {"count": len(reached_new), "of": lifecycle.N_NEW}}


def province_counts(cov: dict) -> dict[str, int]:
    """Meetings per pre-2025 province, for the map."""
    out: dict[str, int] = {}
    for unit in cov["units"]:
        p = unit["province"] and (gazetteer.canonical(unit["province"]) or unit["province"])
        if p:
            out[p] = out.get(p, 0) + sum(c["meetings"] for c in unit["stages"].values())
    return out


def relations(session: Session, doc: Document) -> dict:
    """The tracker's relations of a document (replaces, implements, co-mentions), complete."""
    return track_relations.relations(session, doc)


def page_relations(session: Session, doc: Document, recent: int = 300, shown: int = 20) -> dict:
    """Relations for a page, bounded: the registry's replaces / replaced by, the latest
    implements statements each way, and co-mentions among the ``recent`` latest citing articles."""
    reg = registry.load()
    entry = reg.get(doc.key)
    out = {"replaces": [{"key": k} for k in (entry.replaces if entry else ())],
           "replaced_by": [{"key": e.key} for e in reg.replaced_by(doc.key)]}
    for name, mine, other in (("implements", DocumentRelation.source_id, DocumentRelation.target_id),
                              ("implemented_by", DocumentRelation.target_id, DocumentRelation.source_id)):
        q = (select(Document.key, DocumentRelation.source_text, Province.name)
             .select_from(DocumentRelation).outerjoin(Document, Document.id == other)
             .outerjoin(Province, Province.id == DocumentRelation.province_id)
             .where(mine == doc.id).order_by(DocumentRelation.id.desc()).limit(shown))
        out[name] = [{"key": k, "text": t, "province": p} for k, t, p in session.execute(q)]
    latest = (select(DocumentMention.article_id).where(DocumentMention.document_id == doc.id)
              .order_by(DocumentMention.article_id.desc()).limit(recent).scalar_subquery())
    n = func.count()
    out["co_mentions"] = [{"key": k, "articles": c} for k, c in session.execute(
        select(Document.key, n).select_from(DocumentMention).join(Document, Document.id == DocumentMention.document_id)
        .where(DocumentMention.article_id.in_(latest), DocumentMention.document_id != doc.id)
        .group_by(Document.key).order_by(n.desc(), Document.key).limit(8))]
    return out


def due_reviews(session: Session, within_days: int | None = 365, province_ids: list[int] | None = None,
                doc_ids: list[int] | None = None) -> list[dict]:
    """Expected reviews not yet found, past due or due within ``within_days`` (None: every one)."""
    return calendar.due(session, within_days=within_days, province_ids=province_ids, doc_ids=doc_ids)


def person(session: Session, p: Person) -> dict | None:
    """The tracker's identity (one person across provinces and articles) holding this row."""
    return next((i for i in track_people.find(session, p.name) if p.id in i["person_ids"]), None)


def document_timeline(session: Session, document_id: int) -> list[tuple[str, int]]:
    """(YYYY-MM, meetings) for a document: the tracker's meetings (several reports of one
    meeting count once), by the earliest date any report gives."""
    month = func.substr(func.cast(Meeting.date, Article.text.type), 1, 7)
    rows = session.execute(
        select(month, func.count()).select_from(MeetingDocument).join(Meeting, Meeting.id == MeetingDocument.meeting_id)
        .where(MeetingDocument.document_id == document_id, Meeting.date.is_not(None)).group_by(month).order_by(month))
    return [(m, n) for m, n in rows if m]
