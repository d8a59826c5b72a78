"""Initial schema: documents, events, topics, participants, failures.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.String(32), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published", sa.String(10)),
        sa.Column("source", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("origin", sa.Text),
        sa.Column("extractor_version", sa.String(32)),
        sa.Column("ingested_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(40), primary_key=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor_country", sa.String(24)),
        sa.Column("actor_sector", sa.String(8)),
        sa.Column("actor_name", sa.Text),
        sa.Column("actor_title", sa.Text),
        sa.Column("recipient_country", sa.String(24)),
        sa.Column("recipient_sector", sa.String(8)),
        sa.Column("recipient_name", sa.Text),
        sa.Column("recipient_title", sa.Text),
        sa.Column("date", sa.String(10)),
        sa.Column("date_precision", sa.String(8)),
        sa.Column("location_name", sa.Text),
        sa.Column("location_country", sa.String(24)),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("evidence_norm", sa.Text, nullable=False),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("trigger", sa.Text),
        sa.Column("trigger_start", sa.Integer),
        sa.Column("trigger_end", sa.Integer),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("provenance", sa.Text),
    )
    op.create_index("ix_events_doc", "events", ["doc_id"])
    op.create_index("ix_events_pair", "events", ["actor_country", "recipient_country"])
    op.create_index("ix_events_date", "events", ["date"])
    op.create_index("ix_events_type", "events", ["type", "status"])
    op.create_table(
        "event_topics",
        sa.Column("event_id", sa.String(40), sa.ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("topic", sa.String(32), primary_key=True),
    )
    op.create_index("ix_topics_topic", "event_topics", ["topic"])
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(40), sa.ForeignKey("events.event_id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("country", sa.String(24)),
    )
    op.create_index("ix_participants_event", "participants", ["event_id"])
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("raw", sa.LargeBinary),
        sa.Column("created_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in ("failures", "participants", "event_topics", "events", "documents"):
        op.drop_table(table)
