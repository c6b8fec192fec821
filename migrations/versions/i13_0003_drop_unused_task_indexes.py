"""Drop three human_task indexes nothing reads: every completion wrote them.

At provincial scale (1,000,000 rows) the scale bench's PostgreSQL statistics showed no scan at all of
`ix_human_task_task_uuid` (74 MB: no query looks a row up by its Spiff task id), `ix_human_task_due` (49 MB:
the partial indexes on open tasks by due time and on completed tasks with a due date serve those queries)
and `ix_human_task_inbox` (the partial index on open tasks by department and bureau serves the inbox).
Each inbox row written or closed updated them all.

Revision ID: i13_0003
Revises: i13e_0001
"""
from alembic import op

revision = "i13_0003"
down_revision = "i13e_0001"
branch_labels = None
depends_on = None


def upgrade():
    """Drop the three indexes."""
    with op.batch_alter_table("human_task") as batch:
        batch.drop_index("ix_human_task_task_uuid")
        batch.drop_index("ix_human_task_due")
        batch.drop_index("ix_human_task_inbox")


def downgrade():
    """Create them again."""
    with op.batch_alter_table("human_task") as batch:
        batch.create_index("ix_human_task_inbox", ["status", "department_code", "org_unit_id"])
        batch.create_index("ix_human_task_due", ["status", "due_at"])
        batch.create_index("ix_human_task_task_uuid", ["task_uuid"])
