"""Fallback for databases without an index implementation: a substring scan.

People's names are matched folded (the table keeps a folded copy); article
and document text only as typed, case aside, so "Đảng ủy" finds articles
but "dang uy" does not. Enough until a native index (e.g. PostgreSQL
full-text search over folded text) is written for that database.
"""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import Article, Document, Person
from .terms import folded_words, words


def put(session: Session, kind: str, ident: int, body: str) -> None:
    """Nothing to maintain: the scan reads the tables themselves."""


def find(session: Session, query: str, limit: int) -> list[tuple[str, int]]:
    def every(toks, *cols):
        return and_(*(or_(*(func.lower(c).contains(t, autoescape=True) for c in cols)) for t in toks))

    typed = words(query)
    found = [("person", i) for i in session.scalars(
        select(Person.id).where(every(folded_words(query), Person.folded)).limit(limit))]
    found += [("document", i) for i in session.scalars(
        select(Document.id).where(every(typed, Document.key, Document.subject)).limit(limit))]
    found += [("article", i) for i in session.scalars(
        select(Article.id).where(every(typed, Article.title, Article.text)).limit(limit))]
    return found[:limit]
