"""process drafts saved from the browser modeler

Revision ID: 0006
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import app.db

revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('base_definition_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['base_definition_id'], ['process_definition.id'],
                            name=op.f('fk_process_draft_base_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_process_draft_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft')),
    sa.UniqueConstraint('process_key', name=op.f('uq_process_draft_process_key'))
    )


def downgrade():
    op.drop_table('process_draft')
