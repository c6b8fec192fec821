"""case_event._sentinel: lets SQLAlchemy write a step's audit rows in one INSERT ... RETURNING on SQLite.

SQLite does not promise the order of RETURNING rows, so without a sentinel column SQLAlchemy inserts
several new rows one statement at a time. The column holds a small number per batch; nothing reads it.

Revision ID: i13e_0001
Revises: i13_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "i13e_0001"
down_revision = "i13_0002"
branch_labels = None
depends_on = None


def upgrade():
    """Add the nullable column (instant on PostgreSQL, whatever the table's size)."""
    with op.batch_alter_table("case_event") as batch:
        batch.add_column(sa.Column("_sentinel", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("case_event") as batch:
        batch.drop_column("_sentinel")
