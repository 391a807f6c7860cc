"""Initial tables: articles and the facts extracted from them; on SQLite, the search index.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 11:13:09.309892
"""
import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('scope', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=50), nullable=True),
    sa.Column('number', sa.String(length=50), nullable=True),
    sa.Column('symbol', sa.String(length=100), nullable=True),
    sa.Column('issued', sa.Date(), nullable=True),
    sa.Column('issuer', sa.Text(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('key', 'scope', name=op.f('uq_documents_key_scope'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_symbol'), ['symbol'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('folded', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('folded', 'scope', name=op.f('uq_people_folded_scope'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_folded'), ['folded'], unique=False)

    op.create_table('provinces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('folded', sa.String(length=100), nullable=False),
    sa.Column('is_new', sa.Boolean(), nullable=True),
    sa.Column('new_unit', sa.String(length=100), nullable=True),
    sa.Column('military_region', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provinces')),
    sa.UniqueConstraint('folded', name=op.f('uq_provinces_folded')),
    sa.UniqueConstraint('name', name=op.f('uq_provinces_name'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ext_id', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('province_inferred', sa.Boolean(), nullable=False),
    sa.Column('province_start', sa.Integer(), nullable=True),
    sa.Column('province_end', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('ingested_at', sa.DateTime(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_articles_province_id_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_articles_content_hash'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_ext_id'), ['ext_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_province_id'), ['province_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_published'), ['published'], unique=False)

    op.create_table('document_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=300), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_aliases_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_aliases')),
    sa.UniqueConstraint('alias', 'document_id', name=op.f('uq_document_aliases_alias_document_id'))
    )
    with op.batch_alter_table('document_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_aliases_alias'), ['alias'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_aliases_document_id'), ['document_id'], unique=False)

    op.create_table('document_mentions',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_document_mentions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_mentions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'document_id', name=op.f('pk_document_mentions'))
    )
    with op.batch_alter_table('document_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_mentions_document_id'), ['document_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=30), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('organizer', sa.Text(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_events_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_events_province_id_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_province_id'), ['province_id'], unique=False)

    op.create_table('person_positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Text(), nullable=True),
    sa.Column('rank', sa.String(length=50), nullable=True),
    sa.Column('article_date', sa.Date(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_person_positions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_positions_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_person_positions_province_id_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_positions'))
    )
    with op.batch_alter_table('person_positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_positions_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_positions_person_id'), ['person_id'], unique=False)

    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('giver', sa.Text(), nullable=True),
    sa.Column('collectives', sa.Integer(), nullable=True),
    sa.Column('individuals', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_awards_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_awards_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards'))
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_article_id'), ['article_id'], unique=False)

    op.create_table('event_documents',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_event_documents_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_documents_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'seq', name=op.f('pk_event_documents'))
    )
    with op.batch_alter_table('event_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_documents_document_id'), ['document_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # Folded text of articles, documents and people (see vnpolicy.store.search.sqlite_fts).
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = 'unicode61')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table('event_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_documents_document_id'))

    op.drop_table('event_documents')
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_article_id'))

    op.drop_table('awards')
    with op.batch_alter_table('person_positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_positions_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_positions_article_id'))

    op.drop_table('person_positions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_province_id'))
        batch_op.drop_index(batch_op.f('ix_events_kind'))
        batch_op.drop_index(batch_op.f('ix_events_date'))
        batch_op.drop_index(batch_op.f('ix_events_article_id'))

    op.drop_table('events')
    with op.batch_alter_table('document_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_mentions_document_id'))

    op.drop_table('document_mentions')
    with op.batch_alter_table('document_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_aliases_document_id'))
        batch_op.drop_index(batch_op.f('ix_document_aliases_alias'))

    op.drop_table('document_aliases')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_published'))
        batch_op.drop_index(batch_op.f('ix_articles_province_id'))
        batch_op.drop_index(batch_op.f('ix_articles_ext_id'))

    op.drop_table('articles')
    op.drop_table('provinces')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_folded'))

    op.drop_table('people')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_symbol'))
        batch_op.drop_index(batch_op.f('ix_documents_key'))

    op.drop_table('documents')
