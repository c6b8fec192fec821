"""Merge the feature branches (drafts, attachments, notifications, reports, process drafts) into one head.

Revision ID: 0007
Revises: 0002, 0003, 0004, 0005, 0006
"""

revision = "0007"
down_revision = ("0002", "0003", "0004", "0005", "0006")
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to change: the branches touch separate tables."""


def downgrade():
    """Nothing to change."""
