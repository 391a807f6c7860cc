"""Search over articles, documents and people, blind to case and diacritics.

Text is folded in Python with :func:`vnpolicy.text.fold` ("Đảng ủy" → "dang uy";
database diacritic folding misses "đ") and user input is reduced to folded word
tokens, so no query syntax reaches the database. SQLite keeps a full-text index
(:mod:`.sqlite_fts`), PostgreSQL a ``tsvector`` with a GIN index
(:mod:`.postgres`); other databases fall back to a scan (:mod:`.generic`).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from ...text import fold
from ..models import Article, Document, Person
from . import generic, postgres, sqlite_fts
from .terms import folded_words

#: Tables the search index owns (FTS5 and its shadow tables; the PostgreSQL table of the same
#: name): not part of the models.
INDEX_PREFIX = sqlite_fts.TABLE
_BACKENDS = {"sqlite": sqlite_fts, "postgresql": postgres}


def include_name(name, type_, parent_names) -> bool:
    """Alembic filter: leave the search index's tables out of model comparisons."""
    return not (type_ == "table" and name.startswith(INDEX_PREFIX))


def _backend(session: Session):
    return _BACKENDS.get(session.get_bind().dialect.name, generic)


def index_article(session: Session, article: Article) -> None:
    _backend(session).put(session, "article", article.id, fold(f"{article.title or ''}\n{article.text}"))


def index_document(session: Session, doc: Document) -> None:
    parts = [doc.key, doc.symbol, doc.type, doc.subject, doc.issuer, *(a.alias for a in doc.aliases)]
    _backend(session).put(session, "document", doc.id, fold(" ".join(p for p in parts if p)))


def index_person(session: Session, person: Person) -> None:
    _backend(session).put(session, "person", person.id, person.folded)


@dataclass
class Hit:
    kind: str  # article | document | person
    ref: str  # article id, document key, person name
    title: str | None
    scope: str | None  # a document's or person's province ('' central/unknown); an article's province
    snippet: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def snippet(text: str, toks: list[str], width: int = 70) -> str | None:
    """The passage around the first match of the tokens (as a phrase, else the first token)."""
    folded = fold(text)
    if len(folded) != len(text) or not toks:
        return None
    m = None
    for pattern in (r"\W+".join(map(re.escape, toks)), re.escape(toks[0])):
        m = re.search(rf"(?<![^\W_]){pattern}(?![^\W_])", folded)
        if m:
            break
    if not m:
        return None
    a, b = max(0, m.start() - width), min(len(text), m.end() + width)
    if a:  # cut on word boundaries
        a = text.find(" ", a, m.start()) + 1 or a
    if b < len(text):
        b = text.rfind(" ", m.end(), b) if " " in text[m.end():b] else b
    out = " ".join(text[a:b].split())
    return ("…" if a else "") + out + ("…" if b < len(text) else "")


def matches(session: Session, query: str, limit: int = 20) -> list[tuple[str, int]]:
    """(kind, row id) of the best matches first, for callers that load the rows themselves;
    a query without words finds nothing (and never reaches the index)."""
    if not folded_words(query):
        return []
    return _backend(session).find(session, query, limit)


def search(session: Session, query: str, limit: int = 20) -> list[Hit]:
    """Best matches first; every token must occur (as a word) in the item."""
    toks = folded_words(query)
    hits = []
    for kind, ident in matches(session, query, limit):
        if kind == "article":
            a = session.get(Article, ident)
            hits.append(Hit(kind, a.ext_id, a.title, a.province.name if a.province else None,
                            snippet(a.text, toks) or snippet(a.title or "", toks)))
        elif kind == "document":
            d = session.get(Document, ident)
            hits.append(Hit(kind, d.key, d.subject, d.scope, None))
        else:
            p = session.get(Person, ident)
            hits.append(Hit(kind, p.name, None, p.scope, None))
    return hits
