"""Tables of the store (SQLAlchemy 2 typed models, generic column types only).

Every fact read from an article keeps the character span (``start``/``end``
into ``articles.text``) that supports it. Identity rules:

* an article is its content hash (sha256 of id + normalised text);
* a document is (``key``, ``scope``): provincial symbols (31-CT/TU,
  1436/QĐ-UBND, "Chương trình 20") repeat across provinces, so a local
  document's scope is its province's name; central documents have scope '';
* a person is (folded name, ``scope`` = the article's province or ''), until
  cross-article identity is resolved by the tracker.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Text,
                        UniqueConstraint, event)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    # Named constraints, so later migrations can alter them on every database (SQLite batch mode too).
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _fit_lengths(mapper, connection, target) -> None:
    """Clip text to its column's length: SQLite ignores VARCHAR lengths but PostgreSQL refuses the
    whole row, and records posted or loaded from elsewhere can carry anything."""
    for prop in mapper.column_attrs:
        limit = getattr(prop.columns[0].type, "length", None)
        value = getattr(target, prop.key, None)
        if limit and isinstance(value, str) and len(value) > limit:
            setattr(target, prop.key, value[:limit])


class Province(Base):
    """A province or centrally-run city named by articles, under the gazetteer's canonical name
    (the 63 pre-2025 units; names the gazetteer does not know are kept as seen)."""

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    folded: Mapped[str] = mapped_column(String(100), unique=True)
    is_new: Mapped[bool | None] = mapped_column(Boolean)  # a post-2025 unit name; None: unknown name
    new_unit: Mapped[str | None] = mapped_column(String(100))  # the 2025 unit it became part of
    military_region: Mapped[str | None] = mapped_column(String(50))


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(200), index=True)
    source: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    province_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    province_start: Mapped[int | None] = mapped_column(Integer)
    province_end: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)

    province: Mapped[Province | None] = relationship()
    events: Mapped[list[Event]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                               order_by="Event.seq")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("key", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    scope: Mapped[str] = mapped_column(String(100), default="")
    type: Mapped[str | None] = mapped_column(String(50))
    number: Mapped[str | None] = mapped_column(String(50))
    symbol: Mapped[str | None] = mapped_column(String(100), index=True)
    issued: Mapped[dt.date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)

    aliases: Mapped[list[DocumentAlias]] = relationship(back_populates="document",
                                                        cascade="all, delete-orphan")


class DocumentAlias(Base):
    """Another way articles name a document (its symbol, "Nghị quyết Trung ương 8 khóa XI"...)."""

    __tablename__ = "document_aliases"
    __table_args__ = (UniqueConstraint("alias", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alias: Mapped[str] = mapped_column(String(300), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)

    document: Mapped[Document] = relationship(back_populates="aliases")


class DocumentMention(Base):
    """An article citing a document, with the span of its first mention."""

    __tablename__ = "document_mentions"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)

    document: Mapped[Document] = relationship()
    article: Mapped[Article] = relationship()


class Event(Base):
    """A meeting an article reports (kind as in ANNOTATION.md: quan_triet, so_ket, ...)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    period: Mapped[str | None] = mapped_column(String(30))
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    organizer: Mapped[str | None] = mapped_column(Text)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)

    article: Mapped[Article] = relationship(back_populates="events")
    province: Mapped[Province | None] = relationship()
    links: Mapped[list[EventDocument]] = relationship(cascade="all, delete-orphan",
                                                      order_by="EventDocument.seq")


class EventDocument(Base):
    __tablename__ = "event_documents"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)

    document: Mapped[Document] = relationship()


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("folded", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    folded: Mapped[str] = mapped_column(String(200), index=True)
    scope: Mapped[str] = mapped_column(String(100), default="")


class PersonPosition(Base):
    """A person as one article names them: one row per position (position NULL when none given),
    dated by the article so titles can be followed over time."""

    __tablename__ = "person_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    position: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[str | None] = mapped_column(String(50))
    article_date: Mapped[dt.date | None] = mapped_column(Date)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)

    person: Mapped[Person] = relationship()
    article: Mapped[Article] = relationship()
    province: Mapped[Province | None] = relationship()


class Award(Base):
    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(100))
    giver: Mapped[str | None] = mapped_column(Text)
    collectives: Mapped[int | None] = mapped_column(Integer)
    individuals: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class Meeting(Base):
    """One meeting as the tracker sees it: the reports of several outlets on the same meeting
    (same unit, compatible kind, overlapping documents, dates within the publication lag) are
    one meeting, so counts do not multiply by reports. ``unit`` is the implementing unit
    (a province, or a named body such as "Đảng ủy Quân sự tỉnh Điện Biên"); ``date`` the
    earliest date any report gives."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_province_date", "province_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str | None] = mapped_column(String(30))
    date: Mapped[dt.date | None] = mapped_column(Date)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    unit: Mapped[str] = mapped_column(String(300), index=True)

    province: Mapped[Province | None] = relationship()


class EventMeeting(Base):
    """Which meeting an event (one report of it) belongs to."""

    __tablename__ = "event_meetings"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)


class MeetingDocument(Base):
    """The documents a meeting disseminates or reviews: the union over its reports (kept apart
    from event_documents so coverage and the calendar aggregate meetings without touching events)."""

    __tablename__ = "meeting_documents"
    __table_args__ = (Index("ix_meeting_documents_document", "document_id", "meeting_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             primary_key=True)


class DocumentRelation(Base):
    """A relation an article states between documents: ``implements`` ("Kế hoạch số 122-KH/TU về
    việc thực hiện Nghị quyết số 33-NQ/TW"). The implementing side may be a document of the
    store or only a phrase ("Chương trình của Tỉnh ủy") when it has no number."""

    __tablename__ = "document_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    source_text: Mapped[str] = mapped_column(Text)
    target_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)

    source: Mapped[Document | None] = relationship(foreign_keys=[source_id])
    target: Mapped[Document] = relationship(foreign_keys=[target_id])
    article: Mapped[Article] = relationship()
    province: Mapped[Province | None] = relationship()
