"""Indexes for the web API: keyset pagination, recipient filters, network aggregation.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    # /api/events newest-first keyset pages; `type` rides along so stats-by-month scans only the index.
    ("ix_events_date_id", "events", ["date", "event_id", "type"]),
    # country filters (actor OR recipient) run as two branches, each reading its side in date order.
    ("ix_events_actor_date", "events", ["actor_country", "date", "event_id"]),
    ("ix_events_recipient_date", "events", ["recipient_country", "date", "event_id"]),
    # type filters page in date order without sorting every event of the type.
    ("ix_events_type_date", "events", ["type", "date", "event_id"]),
    # sort=-confidence / confidence pages.
    ("ix_events_confidence", "events", ["confidence", "event_id"]),
    # /api/network and country profiles aggregate from this covering index, not the wide rows.
    ("ix_events_network", "events", ["actor_country", "recipient_country", "type", "status", "date"]),
    # topic filters: topic -> event ids without touching the table.
    ("ix_topics_topic_event", "event_topics", ["topic", "event_id"]),
)


def upgrade() -> None:
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols)


def downgrade() -> None:
    for name, table, _cols in reversed(INDEXES):
        op.drop_index(name, table_name=table)
