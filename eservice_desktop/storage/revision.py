"""The schema revision this build writes, known without loading Alembic or SQLAlchemy: the
core's schema check (``storage.db.schema_is_current``) and the window's first list, read
before the core opens (``services.queue_start``), compare the database's with it."""

from __future__ import annotations

#: The newest revision under migrations/versions (a unit test compares it with the migrations
#: directory, so a new revision must update it).
HEAD_REVISION = "0025"
