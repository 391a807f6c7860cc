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

Matching is incremental: :func:`assign` places one new event, so ingest keeps
meetings current; :func:`ensure` places every event that has none yet (a bulk
load that bypassed ingest, a store made before the tracker existed).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
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


def kinds_agree(a: str, period_a: str | None, b: str, period_b: str | None) -> bool:
    if a in _VAGUE or b in _VAGUE:
        return True
    if period_a and period_b and period_a != period_b:
        return False
    return a == b or {a, b} == {"so_ket", "tong_ket"} and period_a is not None and period_a == period_b


def _units_agree(report: Report, meeting: Meeting, reports: list[tuple[int, str | None]]) -> bool:
    """A report without organiser agrees with any unit; so does a meeting none of whose reports
    named one; otherwise the units must be equal."""
    if report.organizer is None or all(org is None for _, org in reports):
        return True
    return report.unit == meeting.unit


def _candidates(session: Session, r: Report) -> list[Meeting]:
    lag = dt.timedelta(days=LAG_DAYS)
    q = select(Meeting).where(Meeting.date.between(r.date - lag, r.date + lag))
    q = q.where(Meeting.province_id == r.province_id if r.province_id is not None
                else Meeting.province_id.is_(None))
    return list(session.scalars(q))


def _matches(session: Session, r: Report, m: Meeting) -> bool:
    reports = session.execute(select(Event.article_id, Event.organizer).join(
        EventMeeting, EventMeeting.event_id == Event.id).where(EventMeeting.meeting_id == m.id)).all()
    if any(article == r.article_id for article, _ in reports):
        return False
    if not kinds_agree(r.kind, r.period, m.kind, m.period) or not _units_agree(r, m, reports):
        return False
    docs = set(session.scalars(select(MeetingDocument.document_id).where(MeetingDocument.meeting_id == m.id)))
    if docs and r.documents:
        return bool(docs & r.documents)
    # A report naming no document matches only a meeting of the same stated kind and unit.
    return r.kind == m.kind and r.kind not in _VAGUE and r.organizer is not None and r.unit == m.unit


def assign(session: Session, r: Report) -> int:
    """Place one report in its meeting (an existing one it matches, else a new one); the meeting id."""
    meeting = None
    if r.date is not None:
        found = [m for m in _candidates(session, r) if _matches(session, r, m)]
        found.sort(key=lambda m: (abs((m.date - r.date).days), m.id))
        meeting = found[0] if found else None
    if meeting is None:
        meeting = Meeting(kind=r.kind, period=r.period, date=r.date, province_id=r.province_id, unit=r.unit)
        session.add(meeting)
        session.flush()
    else:
        if _RANK.get(r.kind, 2) > _RANK.get(meeting.kind, 2):
            meeting.kind = r.kind
        meeting.period = meeting.period or r.period
        meeting.date = min(meeting.date, r.date)
        if r.organizer is not None and meeting.unit == (r.province or ""):
            meeting.unit = r.unit
    session.execute(insert(EventMeeting).values(event_id=r.event_id, meeting_id=meeting.id))
    known = set(session.scalars(select(MeetingDocument.document_id).where(MeetingDocument.meeting_id == meeting.id)))
    new = r.documents - known
    if new:
        session.execute(insert(MeetingDocument), [{"meeting_id": meeting.id, "document_id": d} for d in sorted(new)])
    return meeting.id


def _reports(session: Session, event_ids: list[int] | None = None) -> list[Report]:
    """Reports of the given events (default: every event without a meeting), oldest first."""
    q = (select(Event.id, Event.article_id, Event.kind, Event.period,
                func.coalesce(Event.date, Article.published), Event.province_id, Province.name, Event.organizer)
         .join(Article, Article.id == Event.article_id).outerjoin(Province, Province.id == Event.province_id))
    if event_ids is None:
        q = q.where(~select(EventMeeting.event_id).where(EventMeeting.event_id == Event.id).exists())
    else:
        q = q.where(Event.id.in_(event_ids))
    rows = session.execute(q).all()
    docs: dict[int, set[int]] = {row[0]: set() for row in rows}
    for chunk in range(0, len(rows), 500):
        ids = [row[0] for row in rows[chunk:chunk + 500]]
        for event_id, doc_id in session.execute(select(EventDocument.event_id, EventDocument.document_id)
                                                .where(EventDocument.event_id.in_(ids))):
            docs[event_id].add(doc_id)
    out = [Report(*row[:4], row[4] if isinstance(row[4], dt.date) or row[4] is None
                  else dt.date.fromisoformat(row[4]), *row[5:], frozenset(docs[row[0]])) for row in rows]
    out.sort(key=lambda r: (r.date is None, r.date or dt.date.min, r.event_id))
    return out


def assign_events(session: Session, event_ids: list[int]) -> None:
    """Place the given (just written) events in meetings."""
    for r in _reports(session, event_ids):
        assign(session, r)


def ensure(session: Session) -> int:
    """Place every event that has no meeting yet, committing; how many were placed."""
    reports = _reports(session)
    for r in reports:
        assign(session, r)
    if reports:
        session.commit()
    return len(reports)


def rebuild(session: Session) -> int:
    """Forget all meetings and match every event again (after the matching rules change)."""
    session.execute(delete(EventMeeting))
    session.execute(delete(MeetingDocument))
    session.execute(delete(Meeting))
    return ensure(session)
