"""Indexes for provincial scale (100,000 cases, 1,000,000 human_task rows), chosen from EXPLAIN ANALYZE.

Open tasks are a few percent of human_task, so the inbox and overdue indexes are partial (status = 'ready');
the done tab reads a clerk's completed rows newest first from an index instead of sorting them. On
PostgreSQL only: the follow-up lookup by facts->>'parent_case_number' and, when pg_trgm is installed or
may be installed, trigram indexes for the case list's substring search. SQLite gets the portable ones.

Revision ID: i13_0001
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "i13_0001"
down_revision = "i17_0001"
branch_labels = None
depends_on = None

READY = sa.text("status = 'ready'")
COMPLETED = sa.text("status = 'completed'")
TRIGRAM = (("ix_case_number_trgm", "case", "number"), ("ix_case_title_trgm", "case", "title"),
           ("ix_case_product_name_trgm", "case", "product_name"), ("ix_enterprise_name_trgm", "enterprise", "name"))


def _trigram_available(bind) -> bool:
    """pg_trgm is installed already, or this role may install it (superuser and the package present)."""
    if bind.scalar(sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")):
        return True
    available = bind.scalar(sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'"))
    superuser = bind.scalar(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if available and superuser:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        return True
    return False


def upgrade():
    """Create the indexes (the PostgreSQL-only ones only there)."""
    op.create_index("ix_human_task_open_department", "human_task", ["department_code", "org_unit_id", "due_at"],
                    postgresql_where=READY, sqlite_where=READY)
    op.create_index("ix_human_task_open_assignee", "human_task", ["assignee_id", "due_at"],
                    postgresql_where=READY, sqlite_where=READY)
    op.create_index("ix_human_task_open_due", "human_task", ["due_at"], postgresql_where=READY, sqlite_where=READY)
    op.create_index("ix_human_task_done_by", "human_task", ["completed_by_id", "completed_at"],
                    postgresql_where=COMPLETED, sqlite_where=COMPLETED)
    op.create_index("ix_case_category_unit", "case", ["product_category", "org_unit_id"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_case_parent_number ON \"case\" ((facts ->> 'parent_case_number')) "
               "WHERE (facts ->> 'parent_case_number') IS NOT NULL")
    if _trigram_available(bind):
        for name, table, column in TRIGRAM:
            op.execute(f'CREATE INDEX {name} ON "{table}" USING gin ({column} gin_trgm_ops)')


def downgrade():
    """Drop them."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, _table, _column in TRIGRAM:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute("DROP INDEX IF EXISTS ix_case_parent_number")
    op.drop_index("ix_case_category_unit", table_name="case")
    op.drop_index("ix_human_task_done_by", table_name="human_task")
    op.drop_index("ix_human_task_open_due", table_name="human_task")
    op.drop_index("ix_human_task_open_assignee", table_name="human_task")
    op.drop_index("ix_human_task_open_department", table_name="human_task")
