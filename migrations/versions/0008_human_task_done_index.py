"""Inbox "done" tab index; drop human_task columns nobody uses (drafts and reminders have their own tables).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    """Add the index, drop the unused columns."""
    with op.batch_alter_table("human_task") as batch:
        batch.create_index("ix_human_task_done", ["status", "completed_by_id"])
        batch.drop_column("draft_data")
        batch.drop_column("reminders_sent")


def downgrade():
    """Restore the columns (empty) and drop the index."""
    with op.batch_alter_table("human_task") as batch:
        batch.add_column(sa.Column("reminders_sent", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("draft_data", sa.JSON(), nullable=True))
        batch.drop_index("ix_human_task_done")
