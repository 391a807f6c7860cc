"""One person across articles, and the positions they held over time.

The store keeps a person per (folded name, province of the article). Rows of
the same name are one person when they are in the same province, or share a
central title (a Thứ trưởng Bộ Quốc phòng seen at meetings in several
provinces), or — for a row without province — share any title with exactly
one person of that name. The same name alone never merges: two officials
named Nguyễn Văn Thắng in two provinces stay apart unless a central title
joins them.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store.models import Article, Event, Person, PersonPosition, Province
from ..text import fold, match_form

_ABBREVIATIONS = ((r"\bbch\b", "ban chap hanh"), (r"\btw\b", "trung uong"), (r"\bubnd\b", "uy ban nhan dan"),
                  (r"\bhdnd\b", "hoi dong nhan dan"), (r"\bchqs\b", "chi huy quan su"),
                  (r"\bbdbp\b", "bo doi bien phong"), (r"\bmttq\b", "mat tran to quoc"),
                  (r"\bqk\b", "quan khu"), (r"\bban chap hanh trung uong\b", "trung uong"),
                  (r"\bban thuong vu\b", "thuong vu"), (r"\b(tinh|thanh pho)$", ""))
_CENTRAL = re.compile(r"trung uong|chinh phu|quoc hoi|bo quoc phong|bo cong an|bo truong|thu truong|tong tham muu"
                      r"|tong cuc|quan khu|chu tich nuoc|quan uy|bo chinh tri|ban bi thu|thu tuong")


def title_form(position: str) -> str:
    """Comparable form of a title: folded, abbreviations spelt out, "nguyên" (former) dropped."""
    s = " ".join(re.sub(r"[^\w\s]", " ", fold(match_form(position))).split())
    s = re.sub(r"^nguyen ", "", s)
    for pattern, repl in _ABBREVIATIONS:
        s = re.sub(pattern, repl, s).strip()
    return " ".join(s.split())


def is_central(title: str) -> bool:
    return bool(_CENTRAL.search(title))


def cluster(rows: Iterable[tuple[int, str, set[str]]]) -> list[list[int]]:
    """Group person rows (id, province scope, title forms) of one folded name into people."""
    rows = list(rows)
    parent = {pid: pid for pid, _, _ in rows}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    scoped = [r for r in rows if r[1]]
    for a in scoped:
        for b in scoped:
            if a[0] < b[0] and (a[1] == b[1] or any(is_central(t) for t in a[2] & b[2])):
                parent[root(a[0])] = root(b[0])
    for pid, _, titles in (r for r in rows if not r[1]):
        sharing = {root(b[0]) for b in scoped if titles & b[2]}
        if len(sharing) == 1:
            parent[root(pid)] = sharing.pop()
    groups: dict[int, list[int]] = defaultdict(list)
    for pid, _, _ in rows:
        groups[root(pid)].append(pid)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _identities(session: Session, people: list[Person]) -> list[dict]:
    # An article without a date of its own is dated by the meetings it reports.
    held = select(func.min(Event.date)).where(Event.article_id == PersonPosition.article_id).scalar_subquery()
    rows = session.execute(
        select(PersonPosition, Article.ext_id, Province.name, func.coalesce(PersonPosition.article_date, held))
        .join(Article, Article.id == PersonPosition.article_id)
        .outerjoin(Province, Province.id == PersonPosition.province_id)
        .where(PersonPosition.person_id.in_([p.id for p in people]))).all()
    by_person: dict[int, list] = defaultdict(list)
    for r in rows:
        by_person[r[0].person_id].append(r)
    by_name: dict[str, list[Person]] = defaultdict(list)
    for p in people:
        by_name[p.folded].append(p)
    out = []
    for same_name in by_name.values():
        index = {p.id: p for p in same_name}
        groups = cluster((p.id, p.scope, {title_form(r[0].position) for r in by_person[p.id] if r[0].position})
                         for p in same_name)
        for ids in groups:
            out.append(_identity(ids, index, [r for pid in ids for r in by_person[pid]]))
    return sorted(out, key=lambda i: (i["name"], i["provinces"]))


def _day(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _identity(ids: list[int], people: dict[int, Person], rows: list) -> dict:
    rows = sorted(((pos, ext, prov, _day(day)) for pos, ext, prov, day in rows),
                  key=lambda r: (r[3] is None, r[3] or dt.date.min, r[0].id))
    titles: dict[str, dict] = {}
    for pos, ext, province, day in rows:
        if not pos.position:
            continue
        t = titles.setdefault(title_form(pos.position), {
            "position": pos.position, "first": day, "last": day, "provinces": [], "articles": [], "evidence": []})
        if day and (t["first"] is None or day < t["first"]):
            t["first"] = day
        if day and (t["last"] is None or day > t["last"]):
            t["last"] = day
        if province and province not in t["provinces"]:
            t["provinces"].append(province)
        if ext not in t["articles"]:
            t["articles"].append(ext)
            t["evidence"].append({"article": ext, "start": pos.start, "end": pos.end})
    timeline = sorted(titles.values(), key=lambda t: (t["first"] is None, t["first"] or dt.date.min, t["position"]))
    days = [r[3] for r in rows if r[3]]
    provinces = sorted({people[i].scope for i in ids if people[i].scope})
    return {"id": f"P{ids[0]}", "name": people[ids[0]].name, "scope": "; ".join(provinces), "person_ids": ids,
            "provinces": provinces, "ranks": list(dict.fromkeys(r[0].rank for r in rows if r[0].rank)),
            "first": _iso(min(days, default=None)), "last": _iso(max(days, default=None)),
            "articles": list(dict.fromkeys(r[1] for r in rows)),
            "timeline": [{**t, "first": _iso(t["first"]), "last": _iso(t["last"])} for t in timeline],
            "positions": [{"position": pos.position, "rank": pos.rank, "date": _iso(day), "province": province,
                           "article": ext, "evidence": None if pos.start is None else
                           {"start": pos.start, "end": pos.end}}
                          for pos, ext, province, day in rows if pos.position]}


def find(session: Session, name: str) -> list[dict]:
    """The people named ``name`` (folded; else whose name contains it), each with a position timeline."""
    f = " ".join(fold(name).split())
    people = session.scalars(select(Person).where(Person.folded == f)).all()
    if not people:
        people = session.scalars(select(Person).where(Person.folded.contains(f, autoescape=True))).all()
    return _identities(session, list(people)) if people else []


def all_identities(session: Session, batch: int = 2000) -> Iterable[dict]:
    """Every person of the store, a batch of names at a time (for exports)."""
    names = session.scalars(select(Person.folded).distinct().order_by(Person.folded)).all()
    for i in range(0, len(names), batch):
        people = session.scalars(select(Person).where(Person.folded.in_(names[i:i + batch]))).all()
        yield from _identities(session, list(people))
