"""Following the news: feeds, seen URLs, every source of a document, MinHash signatures, story ids.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_fetched", sa.String(32)),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "seen_urls",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("feed_url", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("doc_id", sa.String(32)),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("outlet", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("fetched_at", sa.String(32)),
    )
    op.create_index("ix_seen_status", "seen_urls", ["status", "first_seen"])
    op.create_table(
        "document_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
        sa.Column("locator", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("similarity", sa.Float),
        sa.Column("added_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("doc_id", "locator", name="uq_sources_doc_locator"),
    )
    op.create_index("ix_sources_doc", "document_sources", ["doc_id"])
    op.create_index("ix_sources_url", "document_sources", ["url"])
    op.create_table(
        "document_signatures",
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("minhash", sa.LargeBinary, nullable=False),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("story_id", sa.String(40)))
        batch.add_column(sa.Column("story_primary", sa.Integer))
    op.create_index("ix_events_story", "events", ["story_id", "story_primary"])


def downgrade() -> None:
    op.drop_index("ix_events_story", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("story_primary")
        batch.drop_column("story_id")
    for table in ("document_signatures", "document_sources", "seen_urls", "feeds"):
        op.drop_table(table)
