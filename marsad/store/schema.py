"""Table definitions of the event store (SQLAlchemy Core).

The migrations in `migrations/versions` create exactly these tables; a test
compares the migrated database with this metadata so the two never drift.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(32), primary_key=True),
    Column("text", Text, nullable=False),
    Column("published", String(10)),
    Column("source", Text),
    Column("title", Text),
    Column("url", Text),
    Column("language", String(8), nullable=False, default="ar"),
    Column("origin", Text),
    Column("extractor_version", String(32)),
    Column("ingested_at", String(32), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("event_id", String(40), primary_key=True),
    Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("mode", String(32)),
    Column("status", String(16), nullable=False),
    Column("actor_country", String(24)),
    Column("actor_sector", String(8)),
    Column("actor_name", Text),
    Column("actor_title", Text),
    Column("recipient_country", String(24)),
    Column("recipient_sector", String(8)),
    Column("recipient_name", Text),
    Column("recipient_title", Text),
    Column("date", String(10)),
    Column("date_precision", String(8)),
    Column("location_name", Text),
    Column("location_country", String(24)),
    Column("evidence", Text, nullable=False),
    Column("evidence_norm", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("trigger", Text),
    Column("trigger_start", Integer),
    Column("trigger_end", Integer),
    Column("confidence", Float, nullable=False),
    Column("extractor_version", String(32), nullable=False),
    Column("provenance", Text),
    # 0003: the story the event belongs to, and whether it stands for that story in per-story views.
    Column("story_id", String(40)),
    Column("story_primary", Integer),
    Index("ix_events_doc", "doc_id"),
    Index("ix_events_pair", "actor_country", "recipient_country"),
    Index("ix_events_date", "date"),
    Index("ix_events_type", "type", "status"),
    # 0002: indexes the web API needs (see migrations/versions/0002_serve_indexes.py).
    Index("ix_events_date_id", "date", "event_id", "type"),
    Index("ix_events_actor_date", "actor_country", "date", "event_id"),
    Index("ix_events_recipient_date", "recipient_country", "date", "event_id"),
    Index("ix_events_type_date", "type", "date", "event_id"),
    Index("ix_events_confidence", "confidence", "event_id"),
    Index("ix_events_network", "actor_country", "recipient_country", "type", "status", "date"),
    Index("ix_events_story", "story_id", "story_primary"),  # 0003
)

topics = Table(
    "event_topics",
    metadata,
    Column("event_id", String(40), ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True),
    Column("topic", String(32), primary_key=True),
    Index("ix_topics_topic", "topic"),
    Index("ix_topics_topic_event", "topic", "event_id"),  # 0002
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(40), ForeignKey("events.event_id", ondelete="CASCADE"), nullable=False),
    Column("name", Text),
    Column("title", Text),
    Column("country", String(24)),
    Index("ix_participants_event", "event_id"),
)

failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("code", String(8), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", LargeBinary),
    Column("created_at", String(32), nullable=False),
)

# -- 0003: following the news (see migrations/versions/0003_feeds_sources_stories.py) --------------
feeds = Table(
    "feeds",
    metadata,
    Column("url", Text, primary_key=True),
    Column("title", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetched", String(32)),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("errors", Integer, nullable=False, server_default="0"),
    Column("added_at", String(32), nullable=False),
)

# Every article URL a feed announced or a user asked for; `status` pending -> stored | duplicate | failed,
# so a restart resumes the pending ones and never refetches the rest.
seen_urls = Table(
    "seen_urls",
    metadata,
    Column("url", Text, primary_key=True),
    Column("feed_url", Text),
    Column("status", String(16), nullable=False),
    Column("doc_id", String(32)),
    Column("title", Text),
    Column("published", String(10)),
    Column("outlet", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    Column("first_seen", String(32), nullable=False),
    Column("fetched_at", String(32)),
    Index("ix_seen_status", "status", "first_seen"),
)

# Every outlet and URL (or file) that carried a document, near-duplicate copies included.
document_sources = Table(
    "document_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    Column("locator", Text, nullable=False),
    Column("url", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", String(10)),
    Column("similarity", Float),
    Column("added_at", String(32), nullable=False),
    UniqueConstraint("doc_id", "locator", name="uq_sources_doc_locator"),
    Index("ix_sources_doc", "doc_id"),
    Index("ix_sources_url", "url"),
)

document_signatures = Table(
    "document_signatures",
    metadata,
    Column("doc_id", String(32), ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("minhash", LargeBinary, nullable=False),
)
