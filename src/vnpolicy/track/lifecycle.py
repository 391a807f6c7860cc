"""Lifecycle of a document in each implementing unit, and its coverage over the provinces.

Stages, in their natural order: ``issued`` → ``quan_triet`` (dissemination)
→ ``programme`` (the unit's own chương trình/kế hoạch implementing it) →
``so_ket N năm`` (mid-term reviews, each N) → ``danh_gia`` (other
evaluations) → ``tong_ket`` (final review) → ``superseded`` (a newer document
replaces it, from the registry). Coordination meetings, exercises and other
meetings linked to the document follow as ``giao_ban``, ``dien_tap``,
``khac``. Every stage seen in a unit is a meeting (several reports count
once) or an implements statement, with its date and evidence.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from .. import gazetteer
from ..registry import load as load_registry
from ..store.models import (Article, Document, DocumentRelation, Event, EventMeeting, Meeting, MeetingDocument,
                            Province)

ORDER = ("issued", "quan_triet", "programme", "so_ket", "danh_gia", "tong_ket", "giao_ban", "dien_tap",
         "khac", "superseded")
N_OLD, N_NEW = len(gazetteer.PROVINCES_OLD), len(gazetteer.PROVINCES_NEW)


def stage_of(kind: str, period: str | None) -> str:
    """A meeting's stage: its kind, with the period for reviews ("so_ket 5 năm")."""
    return f"{kind} {period}" if period and kind in ("so_ket", "tong_ket", "danh_gia") else kind


def _months(period: str) -> int:
    m = re.match(r"(\d+) (năm|tháng)", period)
    return (int(m.group(1)) * (12 if m.group(2) == "năm" else 1)) if m else 0


def stage_key(stage: str) -> tuple[int, int, str]:
    """Sort key putting stages in lifecycle order (so_ket 6 tháng < so_ket 5 năm < tong_ket)."""
    base, _, period = stage.partition(" ")
    return (ORDER.index(base) if base in ORDER else len(ORDER), _months(period), stage)


def issued(doc: Document) -> dt.date | None:
    """The document's issue date: as stored, else from the registry."""
    if doc.issued:
        return doc.issued
    entry = load_registry().get(doc.key)
    return dt.date.fromisoformat(entry.issued) if entry and entry.issued else None


def superseded_by(doc: Document) -> list[dict]:
    return [{"key": e.key, "date": e.issued, "subject": e.subject} for e in load_registry().replaced_by(doc.key)]


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _meetings(session: Session, doc_ids: list[int], province_ids: list[int] | None = None) -> list[tuple]:
    """(meeting id, stage, date, unit, province, military region, new unit) for meetings on the documents."""
    q = (select(Meeting.id, Meeting.kind, Meeting.period, Meeting.date, Meeting.unit, Province.name,
                Province.military_region, Province.new_unit)
         .join(MeetingDocument, MeetingDocument.meeting_id == Meeting.id)
         .outerjoin(Province, Province.id == Meeting.province_id)
         .where(MeetingDocument.document_id.in_(doc_ids)).distinct())
    if province_ids is not None:
        q = q.where(Meeting.province_id.in_(province_ids))
    return [(mid, stage_of(kind, period), d, unit, *rest)
            for mid, kind, period, d, unit, *rest in session.connection().execute(q)]


_CHUNK = 5000  # ids per IN list: few round trips, well under SQLite's 32766 bound variables


def evidence(session: Session, meeting_ids: list[int], text: bool = True) -> dict[int, list[dict]]:
    """The reports of each meeting: article, dates and the evidence span (with its sentence when
    ``text``), earliest first."""
    out: dict[int, list[dict]] = defaultdict(list)
    sentence = (func.substr(Article.text, Event.start + 1, Event.end - Event.start) if text
                else Event.start.label("no_text"))
    for chunk in range(0, len(meeting_ids), _CHUNK):
        ids = meeting_ids[chunk:chunk + _CHUNK]
        q = (select(EventMeeting.meeting_id, Event.id, Article.ext_id, Article.source, Article.published,
                    Event.date, Event.start, Event.end, sentence)
             .join(Event, Event.id == EventMeeting.event_id).join(Article, Article.id == Event.article_id)
             .where(EventMeeting.meeting_id.in_(ids)).order_by(Article.published, Event.id))
        for mid, eid, ext, source, published, date, start, end, body in session.connection().execute(q):
            span = None if start is None else {"start": start, "end": end, **({"text": body} if text else {})}
            out[mid].append({"event": eid, "article": ext, "source": source, "published": _iso(published),
                             "date": _iso(date), "evidence": span})
    return out


def _programmes(session: Session, doc_ids: list[int], province_ids: list[int] | None = None) -> list[dict]:
    """Implements statements naming the documents, as ``programme`` stages of the article's province
    (or of the implementing document's own province)."""
    source = aliased(Document)
    q = (select(DocumentRelation.source_text, DocumentRelation.start, DocumentRelation.end, source.key,
                source.scope, source.issued, Article.ext_id, Article.published, Province.name,
                Province.military_region, Province.new_unit,
                func.substr(Article.text, DocumentRelation.start + 1, DocumentRelation.end - DocumentRelation.start))
         .join(Article, Article.id == DocumentRelation.article_id)
         .outerjoin(source, source.id == DocumentRelation.source_id)
         .outerjoin(Province, Province.id == DocumentRelation.province_id)
         .where(DocumentRelation.target_id.in_(doc_ids), DocumentRelation.kind == "implements"))
    if province_ids is not None:
        q = q.where(DocumentRelation.province_id.in_(province_ids))
    out = []
    for title, start, end, key, scope, src_issued, ext, published, province, region, new_unit, text in \
            session.execute(q):
        out.append({"stage": "programme", "date": src_issued or published, "unit": scope or province or "",
                    "province": province, "military_region": region, "new_unit": new_unit,
                    "document": key, "title": title,
                    "reports": [{"article": ext, "published": _iso(published),
                                 "evidence": {"start": start, "end": end, "text": text}}]})
    return out


def lifecycle(session: Session, doc: Document, province_ids: list[int] | None = None) -> dict:
    """Every stage of ``doc`` in every unit, each a meeting or programme with its reports."""
    rows = _meetings(session, [doc.id], province_ids)
    reports = evidence(session, [r[0] for r in rows])
    units: dict[str, dict] = {}

    def unit_entry(unit, province, region, new_unit):
        return units.setdefault(unit, {"unit": unit, "province": province, "military_region": region,
                                       "new_unit": new_unit, "stages": []})

    for mid, stage, date, unit, province, region, new_unit in rows:
        unit_entry(unit, province, region, new_unit)["stages"].append(
            {"stage": stage, "date": _iso(date), "meeting": mid, "reports": reports[mid]})
    for p in _programmes(session, [doc.id], province_ids):
        unit_entry(p["unit"], p["province"], p["military_region"], p["new_unit"])["stages"].append(
            {"stage": "programme", "date": _iso(p["date"]), "document": p["document"], "title": p["title"],
             "reports": p["reports"]})
    day, later = issued(doc), superseded_by(doc)
    for u in units.values():
        u["stages"].sort(key=lambda s: (stage_key(s["stage"]), s["date"] or ""))
        if day:
            u["stages"].insert(0, {"stage": "issued", "date": _iso(day)})
        u["stages"] += [{"stage": "superseded", "date": r["date"], "document": r["key"]} for r in later]
    return {"key": doc.key, "scope": doc.scope, "issued": _iso(day), "superseded_by": later,
            "units": sorted(units.values(), key=lambda u: (u["province"] or "~", u["unit"]))}


def _share(n: int, of: int) -> float:
    return round(n / of, 4)


def coverage(session: Session, doc: Document, by: str | None = None) -> dict:
    """Units × stages of one document: per cell the number of meetings, first and last dates and
    the first meeting's evidence; the provinces reached out of 63 (pre-2025) and of the 34
    post-2025 units. ``by="region"`` adds roll-ups to military regions and merged provinces."""
    rows = _meetings(session, [doc.id])
    cells: dict[tuple[str, str], dict] = {}
    unit_info: dict[str, tuple] = {}
    for mid, stage, date, unit, province, region, new_unit in sorted(rows, key=lambda r: (r[2] is None, r[2] or dt.date.min, r[0])):
        unit_info.setdefault(unit, (province, region, new_unit))
        c = cells.setdefault((unit, stage), {"meetings": 0, "first": date, "last": date, "first_meeting": mid})
        c["meetings"] += 1
        if date and (c["last"] is None or date > c["last"]):
            c["last"] = date
    first = evidence(session, sorted({c["first_meeting"] for c in cells.values()}))
    for c in cells.values():
        c["evidence"] = (first[c.pop("first_meeting")] or [None])[0]
    for p in _programmes(session, [doc.id]):
        unit_info.setdefault(p["unit"], (p["province"], p["military_region"], p["new_unit"]))
        c = cells.setdefault((p["unit"], "programme"), {"meetings": 0, "first": p["date"], "last": p["date"],
                                                        "evidence": p["reports"][0]})
        c["meetings"] += 1
        c["first"], c["last"] = min(c["first"], p["date"]), max(c["last"], p["date"])
    stages = sorted({s for _, s in cells}, key=stage_key)
    units = []
    for unit, (province, region, new_unit) in sorted(unit_info.items(), key=lambda kv: (kv[1][0] or "~", kv[0])):
        units.append({"unit": unit, "province": province, "military_region": region, "new_unit": new_unit,
                      "stages": {s: {**cells[unit, s], "first": _iso(cells[unit, s]["first"]),
                                     "last": _iso(cells[unit, s]["last"])}
                                 for s in stages if (unit, s) in cells}})
    reached = sorted({u["province"] for u in units if u["province"] in gazetteer.PROVINCES_OLD})
    reached_new = sorted({gazetteer.old_to_new(p) for p in reached} - {None})
    out = {"key": doc.key, "scope": doc.scope, "issued": _iso(issued(doc)), "superseded_by": superseded_by(doc),
           "stages": stages, "units": units, "meetings": len({r[0] for r in rows}),
           "provinces": {"reached": reached, "count": len(reached), "of": N_OLD, "share": _share(len(reached), N_OLD),
                         "missing": [p for p in gazetteer.PROVINCES_OLD if p not in reached]},
           "provinces_2025": {"reached": reached_new, "count": len(reached_new), "of": N_NEW,
                              "share": _share(len(reached_new), N_NEW)}}
    if by == "region":
        out["regions"] = _rollup(units, stages, lambda p: gazetteer.military_region(p),
                                 lambda r: gazetteer.region_provinces(r))
        out["merged_provinces"] = _rollup(units, stages, gazetteer.old_to_new, gazetteer.new_to_old)
    return out


def _rollup(units: list[dict], stages: list[str], group_of, members_of) -> list[dict]:
    """Per group (military region, merged province): provinces reached of its provinces, and per
    stage the meetings and provinces reached."""
    groups: dict[str, dict] = {}
    for u in units:
        g = group_of(u["province"]) if u["province"] else None
        if not g:
            continue
        e = groups.setdefault(g, {"group": g, "provinces": set(), "stages": defaultdict(lambda: [0, set()])})
        e["provinces"].add(u["province"])
        for s, c in u["stages"].items():
            e["stages"][s][0] += c["meetings"]
            e["stages"][s][1].add(u["province"])
    out = []
    for g, e in sorted(groups.items()):
        members = members_of(g)
        out.append({"group": g, "reached": len(e["provinces"]), "of": len(members),
                    "share": _share(len(e["provinces"]), len(members) or 1),
                    "stages": {s: {"meetings": e["stages"][s][0], "provinces": len(e["stages"][s][1])}
                               for s in stages if s in e["stages"]}})
    return out
