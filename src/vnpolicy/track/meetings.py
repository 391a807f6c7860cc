"""One meeting, many reports: events of several articles merged into meetings.

The same meeting reaches the store once per outlet that reports it (the
provincial portal, the provincial paper, the military-region site, the
national press). Two reports are one meeting when they are in the same
province, their dates (the event's own, else the article's) are within the
publication lag, their kinds agree — a report calling it "hội nghị" (khac) or
"đánh giá" agrees with any, "sơ kết 10 năm" and "tổng kết 10 năm" with each
other —, their units agree (a report without an organiser agrees with any)
and they share a document. Two events of one article are never merged (one
meeting with two purposes is two events by the record contract).

Matching runs in memory over the meetings of the reports' provinces and
dates, so placing one article's events (:func:`assign_events`, called by
ingest) and placing a whole bulk load (:func:`ensure`) cost a few queries
each, not a few per event.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from ..store.models import (Article, Event, EventDocument, EventMeeting, Meeting, MeetingDocument,
                            Province)
from .units import unit_of

LAG_DAYS = 3  # reports of one meeting appear on its day and up to a few days later
_VAGUE = ("khac", "danh_gia")  # kinds a report uses when it does not name the meeting's purpose
_RANK = {"khac": 0, "danh_gia": 1}


@dataclass
class Report:
    """What matching needs of one event."""

    event_id: int
    article_id: int
    kind: str
    period: str | None
    date: dt.date | None
    province_id: int | None
    province: str | None
    organizer: str | None
    documents: frozenset[int]

    @property
    def unit(self) -> str:
        return unit_of(self.organizer, self.province)


@dataclass(eq=False)
class _Meeting:
    """A meeting as matching sees it: its row's fields and what its reports contributed."""

    id: int | None
    kind: str
    period: str | None
    date: dt.date | None
    province_id: int | None
    unit: str
    docs: set[int] = field(default_factory=set)
    articles: set[int] = field(default_factory=set)
    named: bool = False  # some report named the organiser
    new_docs: set[int] = field(default_factory=set)
    changed: bool = False


def kinds_agree(a: str, period_a: str | None, b: str, period_b: str | None) -> bool:
    if a in _VAGUE or b in _VAGUE:
        return True
    if period_a and period_b and period_a != period_b:
        return False
    return a == b or {a, b} == {"so_ket", "tong_ket"} and period_a is not None and period_a == period_b


def _matches(r: Report, m: _Meeting) -> bool:
    if r.article_id in m.articles or not kinds_agree(r.kind, r.period, m.kind, m.period):
        return False
    if r.organizer is not None and m.named and r.unit != m.unit:
        return False
    if m.docs and r.documents:
        return bool(m.docs & r.documents)
    # A report naming no document matches only a meeting of the same stated kind and unit.
    return r.kind == m.kind and r.kind not in _VAGUE and r.organizer is not None and r.unit == m.unit


def _merge(m: _Meeting, r: Report) -> None:
    if _RANK.get(r.kind, 2) > _RANK.get(m.kind, 2):
        m.kind = r.kind
    if r.organizer is not None and not m.named:
        m.unit, m.named = r.unit, True
    m.period = m.period or r.period
    m.date = min(m.date, r.date)
    m.changed = True


def _load(session: Session, reports: list[Report]) -> list[_Meeting]:
    """Stored meetings that the dated reports could join (their provinces, their dates ± the lag)."""
    dated = [r for r in reports if r.date]
    if not dated:
        return []
    lag = dt.timedelta(days=LAG_DAYS)
    provinces = {r.province_id for r in dated}
    where = [Meeting.date.between(min(r.date for r in dated) - lag, max(r.date for r in dated) + lag),
             or_(Meeting.province_id.in_(provinces - {None}),
                 Meeting.province_id.is_(None) if None in provinces else False)]
    found = {row.id: _Meeting(row.id, row.kind, row.period, row.date, row.province_id, row.unit)
             for row in session.execute(select(Meeting.id, Meeting.kind, Meeting.period, Meeting.date,
                                               Meeting.province_id, Meeting.unit).where(*where))}
    if not found:
        return []
    for mid, doc in session.execute(select(MeetingDocument.meeting_id, MeetingDocument.document_id)
                                    .join(Meeting, Meeting.id == MeetingDocument.meeting_id).where(*where)):
        found[mid].docs.add(doc)
    for mid, article, organizer in session.execute(
            select(EventMeeting.meeting_id, Event.article_id, Event.organizer)
            .join(Event, Event.id == EventMeeting.event_id)
            .join(Meeting, Meeting.id == EventMeeting.meeting_id).where(*where)):
        found[mid].articles.add(article)
        found[mid].named |= organizer is not None
    return list(found.values())


def place(session: Session, reports: Iterable[Report]) -> None:
    """Place reports in meetings: each joins the closest matching meeting, else starts one."""
    reports = sorted(reports, key=lambda r: (r.date is None, r.date or dt.date.min, r.event_id))
    if not reports:
        return
    index: dict[tuple[int | None, dt.date], list[_Meeting]] = defaultdict(list)
    for m in _load(session, reports):
        index[m.province_id, m.date].append(m)
    placed: list[tuple[int, _Meeting]] = []
    created: list[_Meeting] = []
    for r in reports:
        best = None
        if r.date is not None:
            near = [m for k in range(-LAG_DAYS, LAG_DAYS + 1)
                    for m in index.get((r.province_id, r.date + dt.timedelta(days=k)), ())]
            near = [m for m in near if _matches(r, m)]
            best = min(near, key=lambda m: (abs((m.date - r.date).days), m.id or 0), default=None)
        if best is None:
            best = _Meeting(None, r.kind, r.period, r.date, r.province_id, r.unit, named=r.organizer is not None)
            created.append(best)
            if r.date is not None:
                index[r.province_id, r.date].append(best)
        else:
            old_date = best.date
            _merge(best, r)
            if best.date != old_date:
                index[best.province_id, old_date].remove(best)
                index[best.province_id, best.date].append(best)
        best.articles.add(r.article_id)
        best.new_docs |= r.documents - best.docs
        best.docs |= r.documents
        placed.append((r.event_id, best))
    _write(session, created, {m for _, m in placed if m.id is not None}, placed)


def _write(session: Session, created: list[_Meeting], touched: set[_Meeting],
           placed: list[tuple[int, _Meeting]]) -> None:
    if created:
        rows = [{"kind": m.kind, "period": m.period, "date": m.date, "province_id": m.province_id, "unit": m.unit}
                for m in created]
        table = Meeting.__table__
        ids = _reserve_ids(session, len(rows))
        if ids:
            session.execute(insert(table), [{**row, "id": i} for row, i in zip(rows, ids)])
        else:
            ids = session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).all()
        for m, mid in zip(created, ids):
            m.id = mid
    changed = [m for m in touched if m.changed]
    if changed:
        session.execute(update(Meeting), [{"id": m.id, "kind": m.kind, "period": m.period, "date": m.date,
                                           "unit": m.unit} for m in changed])
    session.execute(insert(EventMeeting.__table__), [{"event_id": e, "meeting_id": m.id} for e, m in placed])
    docs = [{"meeting_id": m.id, "document_id": d} for m in {m for _, m in placed} for d in sorted(m.new_docs)]
    if docs:
        session.execute(insert(MeetingDocument.__table__), docs)
    for _, m in placed:
        m.new_docs.clear()


def _reserve_ids(session: Session, n: int) -> list[int] | None:
    """Ids for ``n`` new meetings, so a bulk of them is one executemany (RETURNING in parameter
    order runs row by row); None for a few rows, or a database without a known way."""
    if n < 20:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return list(session.scalars(text("SELECT nextval(pg_get_serial_sequence('meetings', 'id')) "
                                         "FROM generate_series(1, :n)"), {"n": n}))
    if dialect == "sqlite":
        session.execute(text("UPDATE meetings SET id = id WHERE 0"))  # takes the write lock first
        first = (session.scalar(select(func.max(Meeting.id))) or 0) + 1
        return list(range(first, first + n))
    return None


def assign_events(session: Session, events: list[Event], article: Article, province: Province | None) -> None:
    """Place one article's just-written events (ingest's path: no queries to rebuild them)."""
    place(session, [Report(e.id, article.id, e.kind, e.period, e.date or article.published,
                           province.id if province else None, province.name if province else None, e.organizer,
                           frozenset(link.document_id for link in e.links)) for e in events])


def _unplaced(session: Session) -> list[Report]:
    """Reports of every event without a meeting."""
    rows = session.execute(
        select(Event.id, Event.article_id, Event.kind, Event.period, Event.date, Article.published,
               Event.province_id, Province.name, Event.organizer)
        .join(Article, Article.id == Event.article_id).outerjoin(Province, Province.id == Event.province_id)
        .where(~select(EventMeeting.event_id).where(EventMeeting.event_id == Event.id).exists())).all()
    if not rows:
        return []
    docs: dict[int, set[int]] = defaultdict(set)
    for event_id, doc_id in session.execute(
            select(EventDocument.event_id, EventDocument.document_id)
            .where(~select(EventMeeting.event_id).where(EventMeeting.event_id == EventDocument.event_id).exists())):
        docs[event_id].add(doc_id)
    return [Report(eid, aid, kind, period, day or published, pid, pname, org, frozenset(docs[eid]))
            for eid, aid, kind, period, day, published, pid, pname, org in rows]


def ensure(session: Session) -> int:
    """Place every event that has no meeting yet (a bulk load that bypassed ingest, a store made
    before the tracker existed), committing; how many were placed."""
    reports = _unplaced(session)
    if reports:
        place(session, reports)
        session.commit()
    return len(reports)


def rebuild(session: Session) -> int:
    """Forget all meetings and match every event again (after the matching rules change)."""
    session.execute(delete(EventMeeting))
    session.execute(delete(MeetingDocument))
    session.execute(delete(Meeting))
    return ensure(session)
