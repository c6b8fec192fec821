"""Per-user session version (logout revokes every session cookie) and login throttling per user name and client.

Revision ID: i15_0001
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

import app.db

revision = "i15_0001"
down_revision = "i16_0001"
branch_labels = None
depends_on = None


def upgrade():
    """Add user.session_version and the login_throttle table."""
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_index(op.f("ix_login_throttle_updated_at"), "login_throttle", ["updated_at"])


def downgrade():
    """Drop them again."""
    op.drop_index(op.f("ix_login_throttle_updated_at"), table_name="login_throttle")
    op.drop_table("login_throttle")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("session_version")
