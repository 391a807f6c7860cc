"""SQLite implementation: one FTS5 table over folded text.

Articles, documents and people share the table; the rowid says which
(``id * 4 + kind code``), so an item is replaced by rowid without a scan.
Queries are built only from folded word tokens, each double-quoted, so FTS5
operators in user input ("*", "-", "NEAR", parentheses) stay literal.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from .terms import folded_words

TABLE = "search_fts"

_CODES = {"article": 0, "document": 1, "person": 2}
_KINDS = {v: k for k, v in _CODES.items()}


def put(session: Session, kind: str, ident: int, body: str) -> None:
    rowid = ident * 4 + _CODES[kind]
    session.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :r"), {"r": rowid})
    session.execute(text(f"INSERT INTO {TABLE}(rowid, body) VALUES (:r, :b)"), {"r": rowid, "b": body})


def find(session: Session, query: str, limit: int) -> list[tuple[str, int]]:
    match = " ".join(f'"{w}"' for w in folded_words(query))
    rows = session.execute(text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :q ORDER BY rank LIMIT :n"),
                           {"q": match, "n": limit})
    return [(_KINDS[r % 4], r // 4) for (r,) in rows]
