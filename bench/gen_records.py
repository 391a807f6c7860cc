"""A generator of realistic records, for benchmarks of the store, the tracker and the web UI.

``build_store(url, n_articles, seed=0)`` writes ``n_articles`` invented
articles into the store at ``url``: the rows ingest would write (documents,
events, people, implements relations, the search index), by bulk inserts,
then the tracker places the events in meetings. The shape follows the news the project reads: registry documents
(central, with their real issue dates) plus provincial plans implementing
them; meetings of the 63 provinces and of their military bodies, dated after
the document's issue — quán triệt soon after, sơ kết after 5 years, tổng kết
after 10, and giao ban, diễn tập, other meetings in between; about a third of
the meetings reported by two or three outlets (provincial portal, provincial
paper, military-region site) with a publication lag of 0–3 days, some calling
it just "hội nghị"; officials from a pool of common names per province, some
namesakes across provinces. The text of each article is a few sentences in the
genre, so search and evidence spans have something to point at.

    from gen_records import build_store      # with bench/ on sys.path
    build_store("sqlite:///bench/out/x.db", 100_000)
"""
from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator

from types import SimpleNamespace

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from vnpolicy import gazetteer
from vnpolicy.record import Document, Event, Person, Record, Span
from vnpolicy.registry import load as load_registry
from vnpolicy.store import content_hash, document_scope, open_store, queries, search
from vnpolicy.store import models as m
from vnpolicy.track import meetings
from vnpolicy.track.relations import find_implements
from vnpolicy.text import fold

_SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
_MIDDLE = "Văn Thị Hữu Đức Minh Quốc Thanh Xuân Hồng Ngọc".split()
_GIVEN = "Thắng Hùng Dũng Nam Bình Hải Long Sơn Tuấn Hà Lan Phương Cường Thành Trung Hòa".split()
_POSITIONS = ["Bí thư Tỉnh ủy", "Phó Bí thư Thường trực Tỉnh ủy", "Chủ tịch UBND tỉnh", "Chủ tịch HĐND tỉnh",
              "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", "Chính ủy Bộ Chỉ huy Quân sự tỉnh",
              "Trưởng Ban Tuyên giáo Tỉnh ủy", "Phó Chủ tịch UBND tỉnh"]
_RANKS = [None, None, None, "Đại tá", "Thượng tá"]
_ORGANIZERS = ["Ban Thường vụ Tỉnh ủy", "Tỉnh ủy", "UBND tỉnh", "Đảng ủy Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh",
               None]
_KIND_WORDS = {"quan_triet": "hội nghị quán triệt, triển khai", "so_ket": "hội nghị sơ kết",
               "tong_ket": "hội nghị tổng kết", "giao_ban": "hội nghị giao ban", "dien_tap": "diễn tập khu vực phòng thủ",
               "danh_gia": "hội nghị đánh giá kết quả thực hiện", "khac": "hội thảo khoa học về"}
_OUTLETS = ["https://{slug}.gov.vn/tin-tuc/{n}", "https://bao{slug}.vn/thoi-su/{n}.html",
            "https://qk{region}.vn/tin-tuc/{n}", "https://www.qdnd.vn/chinh-tri/{n}"]


def _documents(rng: random.Random) -> list[Document]:
    """Registry documents with an issue date since 2005 (the ones meetings are about)."""
    out = []
    for e in load_registry():
        if e.issued and e.issued >= "2005-01-01":
            out.append(Document(e.key, e.type, e.number, e.symbol, e.issued, e.issuer, e.subject))
    rng.shuffle(out)
    return out


def _people(rng: random.Random) -> dict[str, list[tuple[str, str, str | None]]]:
    """A pool of officials per province: (name, position, rank); names repeat across provinces."""
    pool = {}
    for p in gazetteer.PROVINCES_OLD:
        pool[p] = [(f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}", pos, rng.choice(_RANKS))
                   for pos in _POSITIONS]
    return pool


def _meeting(rng: random.Random, docs: list[Document], weights: list[float]) -> tuple[str, str | None, Document, dt.date]:
    doc = rng.choices(docs, weights)[0]
    issued = dt.date.fromisoformat(doc.issued)
    kind = rng.choices(list(_KIND_WORDS), [35, 18, 8, 12, 5, 5, 17])[0]
    years = {"so_ket": rng.choice([3, 5, 5, 5]), "tong_ket": rng.choice([10, 10, 15])}.get(kind)
    if years:
        day = issued + dt.timedelta(days=365 * years + rng.randint(-200, 200))
    elif kind == "quan_triet":
        day = issued + dt.timedelta(days=rng.randint(10, 300))
    else:
        day = issued + dt.timedelta(days=rng.randint(60, 365 * 8))
    period = f"{years} năm" if years else ("6 tháng" if kind == "giao_ban" and rng.random() < 0.5 else None)
    return kind, period, doc, min(day, dt.date(2026, 6, 30))


def records(n_articles: int, seed: int = 0) -> Iterator[Record]:
    """``n_articles`` invented records (see the module docstring)."""
    rng = random.Random(seed)
    docs = _documents(rng)
    weights = [1 / (i + 1) ** 0.8 for i in range(len(docs))]  # a few documents are cited far more often
    pool = _people(rng)
    provinces = list(gazetteer.PROVINCES_OLD)
    made, meeting_no = 0, 0
    while made < n_articles:
        meeting_no += 1
        kind, period, doc, day = _meeting(rng, docs, weights)
        province = rng.choice(provinces)
        organizer = rng.choice(_ORGANIZERS)
        slug = "".join(c for c in fold(province) if c.isalnum())
        region = (gazetteer.military_region(province) or "Quân khu 0")[-1]
        local = None
        if kind == "quan_triet" and rng.random() < 0.3:
            local = Document(f"{rng.randint(10, 300)}-KH/TU@{day.year}", "Kế hoạch", None, None, None, "Tỉnh ủy")
            local.symbol = local.key.split("@")[0]
            local.number = local.symbol.split("-")[0]
        for outlet in range(rng.choices([1, 2, 3], [65, 25, 10])[0]):
            if made >= n_articles:
                break
            made += 1
            published = day + dt.timedelta(days=0 if outlet == 0 else rng.randint(0, 3))
            yield _article(rng, made, meeting_no, outlet, kind, period, doc, local, day, published, province,
                           organizer, pool[province], slug, region)


def _article(rng, n, meeting_no, outlet, kind, period, doc, local, day, published, province, organizer, officials,
             slug, region) -> Record:
    vague = outlet > 0 and rng.random() < 0.3  # a second outlet calling it just "hội nghị"
    ev_kind = "khac" if vague else kind
    org = organizer if outlet == 0 or rng.random() < 0.5 else None
    who = org or "Tỉnh"
    what = _KIND_WORDS[ev_kind] + (f" {period}" if period and not vague else "")
    lead = (f"Ngày {day.day}/{day.month}, {who} {province} tổ chức {what} thực hiện "
            f"{doc.type} số {doc.symbol} của {doc.issuer} về {doc.subject}.")
    parts = [lead]
    documents = [doc]
    if local:
        sentence = f" Ban Thường vụ Tỉnh ủy đã ban hành Kế hoạch số {local.symbol} về việc thực hiện {doc.type} số {doc.symbol}."
        parts.append(sentence)
        documents.append(local)
    people = []
    for name, position, rank in rng.sample(officials, rng.randint(1, 3)):
        sentence = f" Đồng chí {name}, {position}, dự và phát biểu chỉ đạo hội nghị."
        start = sum(map(len, parts)) + len(" Đồng chí ")
        parts.append(sentence)
        people.append(Person(name, rank, [position], Span(start, start + len(name))))
    parts.append(" Hội nghị đánh giá kết quả đạt được, chỉ ra hạn chế và đề ra nhiệm vụ, giải pháp thời gian tới.")
    text = "".join(parts)
    event = Event(ev_kind, None if vague else period, day.isoformat() if outlet == 0 or rng.random() < 0.6 else None,
                  org, [d.key for d in documents if d is doc or kind == "quan_triet"], Span(0, len(lead)))
    url = _OUTLETS[min(outlet, 3)].format(slug=slug, region=region, n=f"{meeting_no}-{n}")
    return Record(id=f"gen-{n:07d}", published=published.isoformat(), province=province, text=text, source=url,
                  title=f"{what.capitalize()} {doc.symbol}", events=[event], documents=documents, people=people)


class _BulkWriter:
    """Core bulk inserts of generated records, table by table, a batch at a time: the rows
    :func:`vnpolicy.store.ingest_record` would write (articles, documents, mentions, events and
    their links, people and positions, implements relations, the search index), then the
    tracker's meetings in one :func:`vnpolicy.track.meetings.ensure`. Generated records are
    clean, so none of ingest's per-record checks are needed; about 30× faster than ingest."""

    def __init__(self, session: Session):
        self.session = session
        self.provinces = self._provinces()
        self.docs = {(k, sc): i for i, k, sc in session.execute(select(m.Document.id, m.Document.key,
                                                                       m.Document.scope))}
        self.people = {(f, sc): i for i, f, sc in session.execute(select(m.Person.id, m.Person.folded,
                                                                         m.Person.scope))}
        self.hashes = set(session.scalars(select(m.Article.content_hash)))

    def _provinces(self) -> dict[str, int]:
        known = {n: i for i, n in self.session.execute(select(m.Province.id, m.Province.name))}
        new = [{"name": p, "folded": fold(p), "is_new": False, "new_unit": gazetteer.old_to_new(p),
                "military_region": gazetteer.military_region(p)} for p in gazetteer.PROVINCES_OLD if p not in known]
        if new:
            self.session.execute(insert(m.Province), new)
            known = {n: i for i, n in self.session.execute(select(m.Province.id, m.Province.name))}
        return known

    def _ids(self, model, rows: list[dict]) -> list[int]:
        """Insert rows with ids of our own (one executemany; RETURNING in order is far slower)."""
        if not rows:
            return []
        first = (self.session.scalar(select(func.max(model.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        self.session.execute(insert(model.__table__), [{**row, "id": i} for row, i in zip(rows, ids)])
        return ids

    def finish(self) -> None:
        """PostgreSQL: move the id sequences past the ids written here."""
        if self.session.get_bind().dialect.name == "postgresql":
            for model in (m.Article, m.Document, m.Event, m.Person):
                table = model.__tablename__
                self.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                          f"(SELECT max(id) FROM {table}))"))

    def write(self, batch: list[Record]) -> int:
        digests = {content_hash(r): r for r in batch}
        batch = [r for digest, r in digests.items() if digest not in self.hashes]
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        article_ids = self._ids(m.Article, [
            {"ext_id": r.id, "source": r.source, "title": r.title, "published": dt.date.fromisoformat(r.published),
             "province_id": self.provinces[r.province], "province_inferred": False, "text": r.text,
             "content_hash": digest, "ingested_at": now, "warnings": []}
            for digest, r in digests.items() if digest not in self.hashes])
        self.hashes |= set(digests)
        new_docs = {}
        for r in batch:
            for d in r.documents:
                k = (d.key, document_scope(d, r.province))
                if k not in self.docs and k not in new_docs:
                    new_docs[k] = {"key": d.key, "scope": k[1], "type": d.type, "number": d.number,
                                   "symbol": d.symbol, "issued": dt.date.fromisoformat(d.issued) if d.issued else None,
                                   "issuer": d.issuer, "subject": d.subject}
        for k, i in zip(new_docs, self._ids(m.Document, list(new_docs.values()))):
            self.docs[k] = i
            search.index_document(self.session, SimpleNamespace(id=i, aliases=[], **new_docs[k]))
        mentions, events, links, positions, relations, new_people = [], [], [], [], [], {}
        for r, aid in zip(batch, article_ids):
            doc_id = {d.key: self.docs[d.key, document_scope(d, r.province)] for d in r.documents}
            mentions += [{"article_id": aid, "document_id": doc_id[d.key], "seq": i, "start": None, "end": None}
                         for i, d in enumerate(r.documents)]
            for i, e in enumerate(r.events):
                events.append(({"article_id": aid, "seq": i, "kind": e.kind, "period": e.period,
                                "date": dt.date.fromisoformat(e.date) if e.date else None, "organizer": e.organizer,
                                "province_id": self.provinces[r.province], "start": e.evidence.start,
                                "end": e.evidence.end}, [doc_id[k] for k in e.documents]))
            for p in r.people:
                k = (fold(p.name), r.province)
                if k not in self.people and k not in new_people:
                    new_people[k] = {"name": p.name, "folded": k[0], "scope": r.province}
                positions += [(k, {"article_id": aid, "position": pos, "rank": p.rank,
                                   "article_date": dt.date.fromisoformat(r.published),
                                   "province_id": self.provinces[r.province], "start": p.evidence.start,
                                   "end": p.evidence.end}) for pos in p.positions]
            relations += [{"kind": "implements", "source_id": doc_id[i.source_key] if i.source_key else None,
                           "source_text": i.source_text, "target_id": doc_id[i.target_key], "article_id": aid,
                           "province_id": self.provinces[r.province], "start": i.start, "end": i.end}
                          for i in find_implements(r.text, r.documents)]
            search.index_article(self.session, SimpleNamespace(id=aid, title=r.title, text=r.text))
        if mentions:
            self.session.execute(insert(m.DocumentMention.__table__), mentions)
        for (row, docs), eid in zip(events, self._ids(m.Event, [row for row, _ in events])):
            links += [{"event_id": eid, "seq": i, "document_id": d} for i, d in enumerate(docs)]
        if links:
            self.session.execute(insert(m.EventDocument.__table__), links)
        for k, i in zip(new_people, self._ids(m.Person, list(new_people.values()))):
            self.people[k] = i
            search.index_person(self.session, SimpleNamespace(id=i, folded=k[0]))
        if positions:
            self.session.execute(insert(m.PersonPosition.__table__), [{**row, "person_id": self.people[k]} for k, row in positions])
        if relations:
            self.session.execute(insert(m.DocumentRelation.__table__), relations)
        return len(batch)


def build_store(url: str, n_articles: int, seed: int = 0, progress: bool = False, batch: int = 2000) -> dict:
    """Write ``n_articles`` generated records into the store at ``url`` (created and migrated if
    needed; records already there are skipped) and place their events in meetings.

    Returns the number of articles written, the seconds taken for the rows and for the
    meetings, and the store's totals."""
    engine = open_store(url)
    started = time.perf_counter()
    stored = 0
    with Session(engine) as session:
        writer = _BulkWriter(session)
        pending: list[Record] = []
        for record in records(n_articles, seed):
            pending.append(record)
            if len(pending) == batch:
                stored += writer.write(pending)
                session.commit()
                pending = []
                if progress:
                    print(f"\r{stored} articles, {stored / (time.perf_counter() - started):.0f}/s", end="",
                          flush=True)
        stored += writer.write(pending)
        writer.finish()
        session.commit()
        rows_s = time.perf_counter() - started
        meetings.ensure(session)
        totals = queries.totals(session)
        totals["meetings"] = session.scalar(select(func.count()).select_from(m.Meeting))
    if progress:
        print()
    engine.dispose()
    return {"articles": stored, "seconds_rows": round(rows_s, 1),
            "seconds_meetings": round(time.perf_counter() - started - rows_s, 1), "totals": totals}
