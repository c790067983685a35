"""The store's tables (SQLAlchemy Core), shared by the SQLite and PostgreSQL stores."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

APPLICATION_ID = 0x44445331
"""``PRAGMA application_id`` of every DDD Sim SQLite file ("DDS1")."""
SCHEMA_VERSION = 1
"""Bumped (with a migration) whenever a table changes; stored as ``user_version``."""

Position = BigInteger().with_variant(Integer(), "sqlite")
EventUuid = Uuid(as_uuid=True).with_variant(LargeBinary(16), "sqlite")

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("global_position", Position, primary_key=True, autoincrement=False),
    Column("event_id", EventUuid, nullable=False),
    Column("stream_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(200), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("checksum", LargeBinary(32), nullable=False),
    Column("correlation_id", EventUuid, nullable=True),
    Column("causation_id", EventUuid, nullable=True),
    Column("sim_time", Float(precision=53), nullable=False),
    Column("recorded_at", Float(precision=53), nullable=False),
    UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    UniqueConstraint("event_id", name="uq_events_event_id"),
    Index("ix_events_sim_time", "sim_time", "global_position"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("stream_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("aggregate_type", String(200), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("state", LargeBinary, nullable=False),
    Column("checksum", LargeBinary(32), nullable=False),
    PrimaryKeyConstraint("stream_id", "version", name="pk_snapshots"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("consumer", String(200), primary_key=True),
    Column("position", Position, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("collection", String(200), nullable=False),
    Column("key", String(400), nullable=False),
    Column("body", LargeBinary, nullable=False),
    PrimaryKeyConstraint("collection", "key", name="pk_documents"),
)

store_info = Table(
    "store_info",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

REQUIRED_TABLES = frozenset(metadata.tables)
