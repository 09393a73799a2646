"""Alembic environment: runs on the connection handed over by storage.db.upgrade, or on the URL
(an office database file is opened through storage.db with the key the OS holds for it)."""

from __future__ import annotations

from alembic import context

from eservice_desktop.storage.db import make_engine
from eservice_desktop.storage.schema import include_name, metadata

config = context.config
target_metadata = metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(
        config.get_main_option("sqlalchemy.url") or "sqlite://", key=config.attributes.get("key")
    )
    with engine.begin() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()


run()
