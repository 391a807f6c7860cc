"""Review calendar: when each unit is expected to review a document, and what was found.

Expected reviews come from the registry's schedule for the document; when it
sets none, from the customary sơ kết after 5 years and tổng kết after 10,
labelled ``customary``. A review is found when the unit held a review meeting
on the document with that period ("10 năm"), or one without a period within a
year of the due date. Past the due date plus a grace period with nothing found,
the status is "no report found" — never "overdue": the store knows what the
news reported, and absence of news is not absence of a meeting.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..registry import Review
from ..registry import load as load_registry
from ..store.models import Document, Meeting, MeetingDocument, Province
from .lifecycle import evidence

CUSTOMARY = (Review("so_ket", years=5), Review("tong_ket", years=10))
GRACE_DAYS = 180
REVIEW_KINDS = ("so_ket", "tong_ket", "danh_gia")
STATUSES = ("found", "upcoming", "due", "no report found", "superseded")
ABSENCE_NOTE = ("'no report found' means no article in the store reports the review; "
                "absence of news is not absence of a meeting.")


def _add(day: dt.date, years: int = 0, months: int = 0) -> dt.date:
    total = day.year * 12 + day.month - 1 + years * 12 + months
    year, month = divmod(total, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


def _period(r: Review) -> str:
    return f"{r.years} năm" if r.years else f"{r.months} tháng"


def _found(review: Review, period: str, due: dt.date, meetings) -> tuple | None:
    """The earliest review meeting (id, kind, period, date) that fulfils ``review``."""
    best = None
    for m in meetings:
        if m[2] == period or (m[2] is None and m[1] == review.kind and m[3] and abs((m[3] - due).days) <= 366):
            key = (m[3] or dt.date.max, m[0])
            if best is None or key < best[0]:
                best = (key, m)
    return best[1] if best else None


def _plans(session: Session, doc_ids: set[int]) -> dict[int, tuple]:
    """Per document with an issue date: (facts, basis, replacing keys, [(review, due date, label,
    period, superseded before due)])."""
    registry = {e.key: e for e in load_registry()}
    replacing: dict[str, list] = defaultdict(list)
    for e in registry.values():
        for old in e.replaces:
            replacing[old].append(e)
    plans = {}
    rows = session.execute(select(Document.id, Document.key, Document.scope, Document.subject, Document.issued)
                           .where(Document.id.in_(doc_ids)))
    for doc_id, key, scope, subject, day in rows:
        entry = registry.get(key)
        start = day or (dt.date.fromisoformat(entry.issued) if entry and entry.issued else None)
        if start is None:
            continue
        reviews, basis = (list(entry.reviews), "registry") if entry and entry.reviews else (list(CUSTOMARY),
                                                                                             "customary")
        later = replacing.get(key, [])
        schedule = []
        for r in reviews:
            when = _add(start, r.years or 0, r.months or 0)
            schedule.append((r, when, f"{r.kind} {_period(r)}", _period(r),
                             any(e.issued and e.issued <= when.isoformat() for e in later)))
        plans[doc_id] = ({"key": key, "scope": scope, "subject": subject}, basis, [e.key for e in later], schedule)
    return plans


def due(session: Session, today: dt.date | None = None, within_days: int | None = None,
        province_ids: list[int] | None = None, doc_ids: list[int] | None = None,
        grace_days: int = GRACE_DAYS) -> list[dict]:
    """Expected reviews of every (document, unit) seen in the store, with their status.

    ``within_days``: only reviews not found and not superseded that are past due
    or due within that many days from ``today``.
    """
    today = today or dt.date.today()
    pairs_q = (select(MeetingDocument.document_id, Meeting.unit, Province.name)
               .join(Meeting, Meeting.id == MeetingDocument.meeting_id)
               .outerjoin(Province, Province.id == Meeting.province_id).distinct())
    reviews_q = (select(MeetingDocument.document_id, Meeting.unit, Meeting.id, Meeting.kind, Meeting.period,
                        Meeting.date).join(Meeting, Meeting.id == MeetingDocument.meeting_id)
                 .where(Meeting.kind.in_(REVIEW_KINDS)))
    if province_ids is not None:
        pairs_q = pairs_q.where(Meeting.province_id.in_(province_ids))
        reviews_q = reviews_q.where(Meeting.province_id.in_(province_ids))
    if doc_ids is not None:
        pairs_q = pairs_q.where(MeetingDocument.document_id.in_(doc_ids))
        reviews_q = reviews_q.where(MeetingDocument.document_id.in_(doc_ids))
    conn = session.connection()  # Core rows: no ORM row processing over tens of thousands of tuples
    pairs = conn.execute(pairs_q).all()
    held: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for doc_id, unit, *meeting in conn.execute(reviews_q):
        held[doc_id, unit].append(tuple(meeting))
    plans = _plans(session, {p[0] for p in pairs})
    horizon = today + dt.timedelta(days=within_days) if within_days is not None else None
    rows = []
    for doc_id, unit, province in pairs:
        plan = plans.get(doc_id)
        if plan is None:
            continue
        doc, basis, replaced, schedule = plan
        for review, when, label, period, superseded in schedule:
            hit = _found(review, period, when, held.get((doc_id, unit), ()))
            if hit:
                status = "found"
            elif superseded:
                status = "superseded"
            elif when > today:
                status = "upcoming"
            elif (today - when).days <= grace_days:
                status = "due"
            else:
                status = "no report found"
            if horizon is not None and (status in ("found", "superseded") or when > horizon):
                continue
            rows.append({"document": doc["key"], "scope": doc["scope"], "subject": doc["subject"], "unit": unit,
                         "province": province, "review": label, "kind": review.kind,
                         "expected": when.isoformat(), "basis": basis, "status": status,
                         "superseded_by": replaced,
                         "found": {"meeting": hit[0], "kind": hit[1], "period": hit[2],
                                   "date": hit[3].isoformat() if hit[3] else None} if hit else None})
    found_ids = sorted({r["found"]["meeting"] for r in rows if r["found"]})
    reports = evidence(session, found_ids, text=False)
    for r in rows:
        if r["found"]:
            r["found"]["reports"] = reports[r["found"]["meeting"]]
    rows.sort(key=lambda r: (r["expected"], r["document"], r["province"] or "~", r["unit"]))
    return rows
