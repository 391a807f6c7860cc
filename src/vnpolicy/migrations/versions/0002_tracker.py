"""Tracker tables: meetings (events of several reports merged), their documents, document relations.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=30), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_meetings_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index("ix_meetings_province_date", "meetings", ["province_id", "date"])
    op.create_index(op.f("ix_meetings_unit"), "meetings", ["unit"])

    op.create_table(
        "event_meetings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_meetings_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_event_meetings_meeting_id_meetings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_meetings")),
    )
    op.create_index(op.f("ix_event_meetings_meeting_id"), "event_meetings", ["meeting_id"])

    op.create_table(
        "meeting_documents",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_documents_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_meeting_documents_document_id_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "document_id", name=op.f("pk_meeting_documents")),
    )
    op.create_index("ix_meeting_documents_document", "meeting_documents", ["document_id", "meeting_id"])

    op.create_table(
        "document_relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["documents.id"],
                                name=op.f("fk_document_relations_source_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_id"], ["documents.id"],
                                name=op.f("fk_document_relations_target_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_document_relations_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"],
                                name=op.f("fk_document_relations_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_relations")),
    )
    for column in ("source_id", "target_id", "article_id"):
        op.create_index(op.f(f"ix_document_relations_{column}"), "document_relations", [column])


def downgrade() -> None:
    op.drop_table("document_relations")
    op.drop_table("meeting_documents")
    op.drop_table("event_meetings")
    op.drop_table("meetings")
