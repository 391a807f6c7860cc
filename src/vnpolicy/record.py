"""The extraction record of ANNOTATION.md, defined once.

Every fact carries ``evidence``: a :class:`Span` of character offsets into the
record's normalised ``text`` (like a spaCy span, it points into the document
rather than copying it). ``to_dict`` emits the contract's field order; the
scorer ignores the extra ``evidence``, ``title``, ``source``, ``warnings`` and
``text`` fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EVENT_KINDS = ("quan_triet", "so_ket", "tong_ket", "giao_ban", "dien_tap", "danh_gia", "khac")

DOC_TYPES = (
    "Nghị quyết", "Chỉ thị", "Kết luận", "Quy định", "Quyết định", "Nghị định",
    "Thông tư", "Luật", "Chương trình", "Kế hoạch", "Đề án", "Chiến lược",
    "Hướng dẫn", "Thông báo", "Công điện",
)


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int

    def to_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, int] | None) -> "Span | None":
        return cls(int(d["start"]), int(d["end"])) if d else None


@dataclass
class Document:
    key: str
    type: str | None = None
    number: str | None = None
    symbol: str | None = None
    issued: str | None = None
    issuer: str | None = None
    subject: str | None = None
    evidence: Span | None = None


@dataclass
class Event:
    kind: str
    period: str | None = None
    date: str | None = None
    organizer: str | None = None
    documents: list[str] = field(default_factory=list)
    evidence: Span | None = None


@dataclass
class Person:
    name: str
    rank: str | None = None
    positions: list[str] = field(default_factory=list)
    evidence: Span | None = None


@dataclass
class Award:
    kind: str
    giver: str | None = None
    collectives: int | None = None
    individuals: int | None = None
    evidence: Span | None = None


@dataclass
class Record:
    id: str
    published: str | None = None
    province: str | None = None
    province_inferred: bool = False
    events: list[Event] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    title: str | None = None
    source: str | None = None
    province_evidence: Span | None = None
    warnings: list[str] = field(default_factory=list)
    text: str = ""

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        def fact(obj, names):
            d = {n: getattr(obj, n) for n in names}
            d["evidence"] = obj.evidence.to_dict() if obj.evidence else None
            return d

        out: dict[str, Any] = {
            "id": self.id,
            "published": self.published,
            "province": self.province,
            "province_inferred": self.province_inferred,
            "province_evidence": self.province_evidence.to_dict() if self.province_evidence else None,
            "events": [fact(e, ("kind", "period", "date", "organizer", "documents")) for e in self.events],
            "documents": [fact(d, ("key", "type", "number", "symbol", "issued", "issuer", "subject"))
                          for d in self.documents],
            "people": [fact(p, ("name", "rank", "positions")) for p in self.people],
            "awards": [fact(a, ("kind", "giver", "collectives", "individuals")) for a in self.awards],
            "title": self.title,
            "source": self.source,
            "warnings": list(self.warnings),
        }
        if with_text:
            out["text"] = self.text
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Record":
        def ev(x):
            return Span.from_dict(x.get("evidence"))

        return cls(
            id=d["id"],
            published=d.get("published"),
            province=d.get("province"),
            province_inferred=bool(d.get("province_inferred")),
            province_evidence=Span.from_dict(d.get("province_evidence")),
            events=[Event(e["kind"], e.get("period"), e.get("date"), e.get("organizer"),
                          list(e.get("documents") or []), ev(e)) for e in d.get("events") or []],
            documents=[Document(x["key"], x.get("type"), x.get("number"), x.get("symbol"),
                                x.get("issued"), x.get("issuer"), x.get("subject"), ev(x))
                       for x in d.get("documents") or []],
            people=[Person(p["name"], p.get("rank"), list(p.get("positions") or []), ev(p))
                    for p in d.get("people") or []],
            awards=[Award(a["kind"], a.get("giver"), a.get("collectives"), a.get("individuals"), ev(a))
                    for a in d.get("awards") or []],
            title=d.get("title"),
            source=d.get("source"),
            warnings=list(d.get("warnings") or []),
            text=d.get("text") or "",
        )


@dataclass
class Article:
    """One article as a reader delivers it: main text plus what the page said of itself."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    warnings: list[str] = field(default_factory=list)
