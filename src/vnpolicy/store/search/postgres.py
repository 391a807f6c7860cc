"""PostgreSQL implementation: a ``tsvector`` over folded text, with a GIN index.

Same layout as the SQLite index (:mod:`.sqlite_fts`): one table, the row id
says the kind (``id * 4 + kind code``). Bodies are stored as folded word
tokens joined by spaces, so PostgreSQL's parser sees plain words (never a
"file" or "host" token swallowing "nq/tw") and the text search configuration
``vnpolicy`` (``simple`` plus ``unaccent``, created by migration 0003) needs
no language stemming, which Vietnamese syllables would only damage.
Queries go through ``plainto_tsquery``: every folded word must occur, and no
user input is ever read as query syntax.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from .terms import folded_words

TABLE = "search_fts"
CONFIG = "vnpolicy"

_CODES = {"article": 0, "document": 1, "person": 2}
_KINDS = {v: k for k, v in _CODES.items()}


def put(session: Session, kind: str, ident: int, body: str) -> None:
    session.execute(text(f"INSERT INTO {TABLE}(rowid, body) VALUES (:r, :b) "
                         "ON CONFLICT (rowid) DO UPDATE SET body = EXCLUDED.body"),
                    {"r": ident * 4 + _CODES[kind], "b": " ".join(folded_words(body))})


def find(session: Session, query: str, limit: int) -> list[tuple[str, int]]:
    rows = session.execute(text(
        f"SELECT rowid FROM {TABLE}, plainto_tsquery('{CONFIG}', :q) AS q WHERE tsv @@ q "
        "ORDER BY ts_rank(tsv, q) DESC, rowid LIMIT :n"), {"q": " ".join(folded_words(query)), "n": limit})
    return [(_KINDS[r % 4], r // 4) for (r,) in rows]
