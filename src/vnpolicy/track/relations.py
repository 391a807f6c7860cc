"""Relations between documents: implements (stated by articles), replaces (the registry),
co-mentions (cited by the same articles).

"Implements" is read from the article text at ingest: a capitalised document
type (the implementing document, numbered or not: "Kế hoạch số 122-KH/TU",
"Chương trình của Tỉnh ủy"), optionally its date and issuer, then "(về việc)
(triển khai) thực hiện" and a numbered document the record cites.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from .. import record as rec
from ..registry import load as load_registry
from ..registry import symbol_form
from ..store.models import Article, Document, DocumentMention, DocumentRelation
from ..text import match_form

_SOURCE_TYPES = "Chương trình|Kế hoạch|Đề án|Nghị quyết|Chỉ thị|Hướng dẫn|Quyết định"
_TARGET_TYPES = "Nghị quyết|Chỉ thị|Kết luận|Quyết định|Nghị định|Quy định|Chiến lược|Đề án|Luật|Thông tư"
_IMPLEMENTS = re.compile(
    rf"(?P<stype>{match_form(_SOURCE_TYPES)})(?:\s+hành\s+động)?(?:\s+số)?(?:\s+(?P<src>\d[\w./-]*\w|\d))?"
    r"(?:,?\s+ngày\s+\d{1,2}[./-]\d{1,2}[./-]\d{4}|,?\s+ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})?"
    r"(?:\s+của\s+(?P<body>[^,;.\n()]{2,60}?))?,?\s+(?:về\s+(?:việc\s+)?|để\s+|nhằm\s+)?(?:tiếp\s+tục\s+)?"
    r"(?:triển\s+khai\s+)?(?:thực\s+hiện|triển\s+khai)\s+"
    rf"(?P<ttype>{match_form(_TARGET_TYPES)}|{match_form(_TARGET_TYPES).lower()})(?:\s+số)?\s+(?P<tgt>\d[\w./-]*\w|\d+)")


@dataclass(frozen=True)
class Implements:
    """One "A implements B" statement: ``source_key`` is None when A has no number."""

    source_key: str | None
    source_text: str
    target_key: str
    start: int
    end: int


def _find_doc(docs: list[rec.Document], ref: str, type_: str) -> rec.Document | None:
    """The cited document a reference ("33-NQ/TW", or "33" after "Nghị quyết") means."""
    form = symbol_form(ref)
    for d in docs:
        if d.symbol and symbol_form(d.symbol) == form or symbol_form(d.key.split("@")[0]) == form:
            return d
    if ref.isdigit():
        same = [d for d in docs if d.number and d.number.lstrip("0") == ref.lstrip("0")
                and (d.type or "").lower() == type_.lower()]
        if len(same) == 1:
            return same[0]
    return None


def find_implements(text: str, documents: list[rec.Document]) -> list[Implements]:
    """The implements statements of an article whose target is one of its cited documents."""
    out = []
    for m in _IMPLEMENTS.finditer(match_form(text)):
        target = _find_doc(documents, m.group("tgt"), m.group("ttype"))
        if target is None:
            continue
        source = _find_doc(documents, m.group("src"), m.group("stype")) if m.group("src") else None
        if source is not None and source.key == target.key:
            continue
        end = m.end("body") if m.group("body") else m.end("src") if m.group("src") else m.end("stype")
        out.append(Implements(source.key if source else None, text[m.start():end].strip(), target.key,
                              m.start(), m.end()))
    return out


def relations(session: Session, doc: Document) -> dict:
    """What a document is related to: replaces / replaced by (registry), implements and implemented
    by (articles, with their evidence), co-mentioned documents with the number of shared articles."""
    reg = load_registry()
    entry = reg.get(doc.key)
    replaced_by = [{"key": e.key, "issued": e.issued, "subject": e.subject} for e in reg.replaced_by(doc.key)]
    replaces = []
    for key in entry.replaces if entry else ():
        old = reg.get(key)
        replaces.append({"key": key, "issued": old.issued if old else None, "subject": old.subject if old else None})

    def rows(column, other):
        q = (select(DocumentRelation, Article.ext_id, Article.published)
             .join(Article, Article.id == DocumentRelation.article_id)
             .where(column == doc.id).order_by(Article.published, DocumentRelation.id))
        out = []
        for rel, ext_id, published in session.execute(q):
            d = getattr(rel, other)
            out.append({"key": d.key if d else None, "scope": d.scope if d else None, "text": rel.source_text,
                        "province": rel.province.name if rel.province else None, "article": ext_id,
                        "published": published.isoformat() if published else None,
                        "evidence": {"start": rel.start, "end": rel.end}})
        return out

    other = aliased(DocumentMention)
    co = session.execute(
        select(Document.key, Document.scope, func.count()).select_from(DocumentMention)
        .join(other, (other.article_id == DocumentMention.article_id) & (other.document_id != doc.id))
        .join(Document, Document.id == other.document_id).where(DocumentMention.document_id == doc.id)
        .group_by(Document.key, Document.scope).order_by(func.count().desc(), Document.key).limit(50)).all()
    return {"replaces": replaces, "replaced_by": replaced_by,
            "implements": rows(DocumentRelation.source_id, "target"),
            "implemented_by": rows(DocumentRelation.target_id, "source"),
            "co_mentions": [{"key": k, "scope": s, "articles": n} for k, s, n in co]}
