"""PostgreSQL search index: folded text in a tsvector with a GIN index (no-op elsewhere).

The ``vnpolicy`` text search configuration is ``simple`` (no stemming: Vietnamese
is written in syllables) with ``unaccent`` first, so text that reaches it
unfolded still matches. Rows already stored are indexed here, folded in SQL
by ``lower(unaccent(...))`` (unaccent maps đ to d as :func:`vnpolicy.text.fold`
does); from then on the write path keeps the index (:mod:`vnpolicy.store.search.postgres`).

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TOKENS = "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart"


def _words(sql: str) -> str:
    """SQL folding a text expression to space-separated lower-case words without diacritics."""
    return f"trim(regexp_replace(lower(unaccent({sql})), '[^[:alnum:]]+', ' ', 'g'))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE TEXT SEARCH CONFIGURATION vnpolicy (COPY = pg_catalog.simple)")
    op.execute(f"ALTER TEXT SEARCH CONFIGURATION vnpolicy ALTER MAPPING FOR {_TOKENS} WITH unaccent, simple")
    op.execute("CREATE TABLE search_fts (rowid bigint PRIMARY KEY, body text NOT NULL, "
               "tsv tsvector GENERATED ALWAYS AS (to_tsvector('vnpolicy'::regconfig, body)) STORED)")
    op.execute("CREATE INDEX search_fts_tsv ON search_fts USING gin (tsv)")
    aliases = "(SELECT string_agg(a.alias, ' ') FROM document_aliases a WHERE a.document_id = d.id)"
    bodies = {
        0: ("articles", _words("coalesce(title, '') || ' ' || text")),
        1: ("documents d", _words(f"concat_ws(' ', d.key, d.symbol, d.type, d.subject, d.issuer, {aliases})")),
        2: ("people", _words("folded")),
    }
    for code, (table, body) in bodies.items():
        op.execute(f"INSERT INTO search_fts (rowid, body) SELECT id * 4 + {code}, {body} FROM {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE search_fts")
    op.execute("DROP TEXT SEARCH CONFIGURATION vnpolicy")
