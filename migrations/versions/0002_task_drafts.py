"""task drafts: unsaved form input of an inbox task, one row per task

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import app.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('human_task_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=False),
    sa.Column('saved_at', app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_task_draft_human_task_id_human_task'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['user.id'], name=op.f('fk_task_draft_saved_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_draft')),
    sa.UniqueConstraint('human_task_id', name=op.f('uq_task_draft_human_task_id')),
    )


def downgrade():
    op.drop_table('task_draft')
