"""Alembic environment: the URL comes from the app config or from the caller's connection."""
from alembic import context
from sqlalchemy import pool

import app.models  # noqa: F401  (registers every table)
from app.config import load_config
from app.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _url():
    return config.attributes.get("database_url") or load_config()["DATABASE_URL"]


def run_migrations_offline():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection):
    # render_as_batch: SQLite needs table rebuilds for ALTERs.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
