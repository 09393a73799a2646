"""Alembic environment of the county server's database (its own version table,
``county_alembic_version``): runs on the connection handed over by county/migrate.py."""

from __future__ import annotations

from alembic import context

from eservice_desktop.county.migrate import VERSION_TABLE, metadata
from eservice_desktop.county.store import make_engine

config = context.config


def _configure_and_run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata(),
        version_table=VERSION_TABLE,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        _configure_and_run(conn)


run()
