"""Write path: one :class:`~vnpolicy.record.Record` in, one transaction of rows out.

An article is identified by its content hash; storing an article that is
already there changes nothing. Documents and people are shared between
articles and upserted: a later article fills fields an earlier one left empty
but never overwrites them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import gazetteer
from .. import record as rec
from ..text import fold, normalise
from ..track import meetings
from ..track.relations import find_implements
from .db import WRITE
from . import search
from .models import (Article, Award, Document, DocumentAlias, DocumentMention, DocumentRelation, Event,
                     EventDocument, Person, PersonPosition, Province)

# Party body codes of provincial committees (Tỉnh ủy/Thành ủy "TU", Đảng ủy "ĐU", Huyện ủy "HU",
# Quận ủy "QU") and State codes of provincial bodies: their numbers repeat in every province.
_LOCAL_CODES = {"tu", "du", "hu", "qu", "ubnd", "hdnd"}
_BODY_CODE = re.compile(r"[/-]([^\W\d_]+)$")
_LOCAL_ISSUER = re.compile(r"\b(tinh uy|thanh uy|huyen uy|ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan"
                           r"|dang bo tinh|dang bo thanh pho|dang uy quan su|bo chi huy quan su)\b")
_CENTRAL_ISSUER = re.compile(r"\b(trung uong|bo chinh tri|ban bi thu|chinh phu|thu tuong|quoc hoi"
                             r"|quan uy|bo quoc phong|bo cong an)\b")
# "Chương trình 20", "Kế hoạch số 12": a type and a number, nothing to say whose (never for
# Luật, Nghị định, Thông tư, which only central bodies issue).
_NUMBERED = re.compile(r"^(?:%s) (?:so )?\d+\w*$" % "|".join(
    fold(t) for t in rec.DOC_TYPES if t not in ("Luật", "Nghị định", "Thông tư")))
_ALIAS_MAX = 150


def content_hash(record: rec.Record) -> str:
    """sha256 of the article id and its normalised text: the article's identity in the store."""
    return hashlib.sha256(f"{record.id}\n{normalise(record.text)}".encode()).hexdigest()


def document_scope(doc: rec.Document, province: str | None) -> str:
    """The province a document belongs to when its symbol is provincial, '' for central ones.

    The body code of the symbol (or of the key) decides (31-CT/TU, 1436/QĐ-UBND
    are local; 44-NQ/TW, 21/2019/NĐ-CP central); without one the issuer does;
    a bare numbered name ("Chương trình 20") is taken as local, a name ("Luật
    Quốc phòng 2018") as central. A local document of an article without a
    province gets '' (and so may merge with another province's namesake).
    """
    if not province:
        return ""
    issuer = fold(doc.issuer or "")
    if m := _BODY_CODE.search(doc.symbol or doc.key.split("@")[0]):
        local = fold(m.group(1)) in _LOCAL_CODES
    elif _LOCAL_ISSUER.search(issuer) or _CENTRAL_ISSUER.search(issuer):
        local = bool(_LOCAL_ISSUER.search(issuer))
    else:
        local = bool(_NUMBERED.match(" ".join(fold(doc.key).split())))
    return province if local else ""


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _span(evidence: rec.Span | None) -> tuple[int | None, int | None]:
    return (evidence.start, evidence.end) if evidence else (None, None)


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    """A transaction of its own, or a savepoint inside the caller's open one."""
    if session.in_transaction():
        with session.begin_nested():
            yield
    else:
        with session.begin():
            session.connection(execution_options={WRITE: True})
            yield


def _province(session: Session, name: str | None) -> Province | None:
    """The row of a province, created with the gazetteer's facts on first sight."""
    if not name:
        return None
    name = gazetteer.canonical(name) or " ".join(name.split())
    folded = fold(name)
    row = session.scalar(select(Province).where(Province.folded == folded))
    if row is None:
        known = name in gazetteer.PROVINCES_OLD or name in gazetteer.PROVINCES_NEW
        row = Province(name=name, folded=folded, is_new=name not in gazetteer.PROVINCES_OLD if known else None,
                       new_unit=gazetteer.old_to_new(name), military_region=gazetteer.military_region(name))
        session.add(row)
    return row


class _Writer:
    """State of one article's write: the article row and the documents it has linked."""

    def __init__(self, session: Session, record: rec.Record, article: Article, province: Province | None):
        self.session, self.record, self.article, self.province = session, record, article, province
        self.docs: dict[str, Document] = {}
        self.changed: list[Document] = []  # new or completed: their search entry must be rewritten

    def document(self, doc: rec.Document) -> Document:
        """The stored document for ``doc`` (created or completed), mentioned once by this article."""
        if doc.key in self.docs:
            return self.docs[doc.key]
        scope = document_scope(doc, self.province.name if self.province else None)
        row = self.session.scalar(select(Document).where(Document.key == doc.key, Document.scope == scope))
        values = {"type": doc.type, "number": doc.number, "symbol": doc.symbol, "issued": _date(doc.issued),
                  "issuer": doc.issuer, "subject": doc.subject}
        changed = row is None
        if row is None:
            row = Document(key=doc.key, scope=scope, **values)
            self.session.add(row)
        else:
            for name, value in values.items():
                if value is not None and getattr(row, name) is None:
                    setattr(row, name, value)
                    changed = True
        known = {a.alias for a in row.aliases} | {row.key}
        surface = (self.record.text[doc.evidence.start:doc.evidence.end].strip()
                   if doc.evidence else None)
        for alias in (doc.symbol, surface):
            if alias and alias not in known and len(alias) <= _ALIAS_MAX:
                row.aliases.append(DocumentAlias(alias=alias))
                known.add(alias)
                changed = True
        self.session.flush()
        if changed:
            self.changed.append(row)
        start, end = _span(doc.evidence)
        self.session.add(DocumentMention(article_id=self.article.id, document_id=row.id,
                                         seq=len(self.docs), start=start, end=end))
        self.docs[doc.key] = row
        return row

    def event(self, seq: int, ev: rec.Event) -> Event:
        start, end = _span(ev.evidence)
        row = Event(article_id=self.article.id, seq=seq, kind=ev.kind, period=ev.period, date=_date(ev.date),
                    organizer=ev.organizer, province=self.province, start=start, end=end)
        for i, key in enumerate(ev.documents):
            row.links.append(EventDocument(seq=i, document=self.document(rec.Document(key=key))))
        self.session.add(row)
        return row

    def person(self, p: rec.Person) -> None:
        folded = fold(" ".join(p.name.split()))
        scope = self.province.name if self.province else ""
        row = self.session.scalar(select(Person).where(Person.folded == folded, Person.scope == scope))
        if row is None:
            row = Person(name=p.name, folded=folded, scope=scope)
            self.session.add(row)
            self.session.flush()
            search.index_person(self.session, row)
        start, end = _span(p.evidence)
        for position in dict.fromkeys(p.positions) or [None]:
            self.session.add(PersonPosition(person_id=row.id, article_id=self.article.id, position=position,
                                            rank=p.rank, article_date=self.article.published,
                                            province=self.province, start=start, end=end))


def ingest_record(session: Session, record: rec.Record) -> bool:
    """Store one article and its facts atomically; False when the article is already stored.

    Runs in its own transaction (a savepoint when the session already has one
    open, leaving the commit to the caller). People are one row per folded
    name and province; merging across provinces is the tracker's job, which
    also places the events in meetings and records "implements" statements.
    """
    digest = content_hash(record)
    with _transaction(session):
        if session.scalar(select(Article.id).where(Article.content_hash == digest)) is not None:
            return False
        province = _province(session, record.province)
        p_start, p_end = _span(record.province_evidence)
        article = Article(ext_id=record.id, source=record.source, title=record.title,
                          published=_date(record.published), province=province,
                          province_inferred=record.province_inferred, province_start=p_start,
                          province_end=p_end, text=record.text, content_hash=digest,
                          ingested_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                          warnings=list(record.warnings))
        session.add(article)
        session.flush()
        w = _Writer(session, record, article, province)
        for doc in record.documents:
            w.document(doc)
        events = [w.event(i, ev) for i, ev in enumerate(record.events)]
        for p in record.people:
            w.person(p)
        session.flush()
        for rel in find_implements(record.text, record.documents):
            source = w.docs[rel.source_key] if rel.source_key else None
            session.add(DocumentRelation(kind="implements", source=source, source_text=rel.source_text,
                                         target=w.docs[rel.target_key], article_id=article.id,
                                         province=province, start=rel.start, end=rel.end))
        meetings.assign_events(session, events, article, province)
        for a in record.awards:
            start, end = _span(a.evidence)
            session.add(Award(article_id=article.id, event_id=events[0].id if len(events) == 1 else None,
                              kind=a.kind, giver=a.giver, collectives=a.collectives,
                              individuals=a.individuals, start=start, end=end))
        search.index_article(session, article)
        for doc in w.changed:
            search.index_document(session, doc)
    return True
