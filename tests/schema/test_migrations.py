"""Migrations are the only source of the schema: one head, and they agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import app.models  # noqa: F401  (registers every table)
from app.cases.models import POSTGRES_ONLY_INDEXES
from app.db import Base
from app.migrate import alembic_config


def test_a_single_head(database_url):
    heads = ScriptDirectory.from_config(alembic_config(database_url)).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads} (add a merge revision)"


def _declared(obj, name, type_, reflected, compare_to):
    # PostgreSQL-only indexes (expression, trigram) have no model counterpart by design.
    return not (type_ == "index" and name in POSTGRES_ONLY_INDEXES)


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": _declared})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
