"""Testing bodies (承检机构) are organisations of their own: org_unit.kind (bureau / testing_body).

Revision ID: i11_0001
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "i11_0001"
down_revision = "i13_0001"
branch_labels = None
depends_on = None


def upgrade():
    """Add the column; every existing unit is a bureau."""
    with op.batch_alter_table("org_unit") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="bureau"))


def downgrade():
    """Drop the column."""
    with op.batch_alter_table("org_unit") as batch:
        batch.drop_column("kind")
