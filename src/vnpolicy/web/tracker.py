"""Tracker answers the web needs (coverage matrix, due reviews, relations, person timeline).

``vnpolicy.track`` is the tracker proper; until it offers these, the simple
versions below compute them from the store and the registry. Every page and
API route asks through this module only, so switching over is one edit here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import registry
from ..store.models import Article, Document, Event, EventDocument, Province

STAGES = ("quan_triet", "so_ket", "tong_ket", "giao_ban", "dien_tap", "danh_gia", "khac")


@dataclass
class Cell:
    count: int
    latest_event: int  # id of the most recent event of the cell (the one a click opens)


def coverage(session: Session, document_id: int) -> dict[str, dict[str, Cell]]:
    """Province name ('' for national/unknown) → stage → cell, for one document."""
    rows = session.execute(
        select(Province.name, Event.kind, func.count(), func.max(Event.id))
        .select_from(EventDocument).join(Event, Event.id == EventDocument.event_id)
        .outerjoin(Province, Province.id == Event.province_id)
        .where(EventDocument.document_id == document_id)
        .group_by(Province.name, Event.kind))
    out: dict[str, dict[str, Cell]] = {}
    for name, kind, n, latest in rows:
        out.setdefault(name or "", {})[kind] = Cell(n, latest)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] == "", kv[0])))


def relations(document_key: str) -> list[dict]:
    """Documents this one replaces or is replaced by, per the registry."""
    reg = registry.load()
    entry = reg.get(document_key)
    if entry is None:
        return []
    out = [{"relation": "replaces", "key": k} for k in entry.replaces]
    out += [{"relation": "replaced_by", "key": e.key} for e in reg.replaced_by(entry.key)]
    return out


@dataclass
class DueReview:
    key: str
    kind: str  # so_ket | tong_ket
    due: dt.date
    status: str  # overdue | upcoming | done
    held: int  # provinces that held this review
    launched: int  # provinces that held a quan_triet of the document

    def to_dict(self) -> dict:
        return {"document": self.key, "kind": self.kind, "due": self.due.isoformat(), "status": self.status,
                "held": self.held, "launched": self.launched}


def _add(d: dt.date, years: int | None, months: int | None) -> dt.date:
    m = d.month - 1 + (years or 0) * 12 + (months or 0)
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, 28))


def due_reviews(session: Session, today: dt.date | None = None, horizon_days: int = 365) -> list[DueReview]:
    """Reviews the registry's documents schedule for themselves, due by ``today + horizon``:
    overdue when the date has passed and a province that launched the document has not held
    the review; done when every launching province has."""
    today = today or dt.date.today()
    out = []
    for entry in registry.load():
        if not entry.reviews or not entry.issued:
            continue
        ids = session.scalars(select(Document.id).where(Document.key == entry.key)).all()
        by_kind: dict[str, set[int]] = {}
        if ids:
            for kind, pid in session.execute(
                    select(Event.kind, Event.province_id).join(EventDocument)
                    .where(EventDocument.document_id.in_(ids), Event.province_id.is_not(None)).distinct()):
                by_kind.setdefault(kind, set()).add(pid)
        launched = by_kind.get("quan_triet", set())
        for r in entry.reviews:
            due = _add(dt.date.fromisoformat(entry.issued), r.years, r.months)
            if due > today + dt.timedelta(days=horizon_days):
                continue
            held = by_kind.get(r.kind, set())
            if due >= today:
                status = "upcoming"
            else:
                status = "done" if launched and launched <= held else "overdue"
            out.append(DueReview(entry.key, r.kind, due, status, len(held), len(launched)))
    return sorted(out, key=lambda d: (d.status != "overdue", d.due))


def document_timeline(session: Session, document_id: int) -> list[tuple[str, int]]:
    """(YYYY-MM, events) for a document, by the event's date else its article's."""
    when = func.coalesce(Event.date, Article.published)
    month = func.substr(func.cast(when, Article.text.type), 1, 7)
    rows = session.execute(
        select(month, func.count()).select_from(EventDocument).join(Event, Event.id == EventDocument.event_id)
        .join(Article, Article.id == Event.article_id)
        .where(EventDocument.document_id == document_id, when.is_not(None)).group_by(month).order_by(month))
    return [(m, n) for m, n in rows if m]
