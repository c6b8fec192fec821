"""API tokens, e-CQS sampling results, 12315 leads and credit disclosures (issue 16).

Revision ID: i16_0001
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision = 'i16_0001'
down_revision = 'i12_0001'
branch_labels = None
depends_on = None


def upgrade():
    """Create the four tables."""
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', app.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', app.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_token_created_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('complaint_lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('enterprise_name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('product_category', sa.String(length=60), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('department_code', sa.String(length=40), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_complaint_lead_case_id_case')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_complaint_lead_imported_by_id_user')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_complaint_lead_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_lead')),
    sa.UniqueConstraint('number', name=op.f('uq_complaint_lead_number'))
    )
    with op.batch_alter_table('complaint_lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_lead_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_lead_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('credit_disclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('decision_no', sa.String(length=60), nullable=False),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('legal_representative', sa.String(length=60), nullable=False),
    sa.Column('violation', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('penalty_content', sa.Text(), nullable=False),
    sa.Column('fine_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('confiscation_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('authority', sa.String(length=100), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('display_until', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('withdraw_due', sa.Date(), nullable=True),
    sa.Column('withdrawn_at', app.db.UTCDateTime(), nullable=True),
    sa.Column('withdraw_reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_credit_disclosure_case_id_case')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_credit_disclosure_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_disclosure')),
    sa.UniqueConstraint('case_id', name=op.f('uq_credit_disclosure_case_id'))
    )
    with op.batch_alter_table('credit_disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_disclosure_decision_no'), ['decision_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_disclosure_display_until'), ['display_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_disclosure_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_disclosure_party_name'), ['party_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_disclosure_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_disclosure_uscc'), ['uscc'], unique=False)

    op.create_table('sampling_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_no', sa.String(length=60), nullable=False),
    sa.Column('task_no', sa.String(length=60), nullable=False),
    sa.Column('sample_no', sa.String(length=60), nullable=False),
    sa.Column('sampling_date', sa.Date(), nullable=True),
    sa.Column('sampled_party', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('producer', sa.String(length=200), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('product_category', sa.String(length=60), nullable=False),
    sa.Column('brand', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('batch', sa.String(length=100), nullable=False),
    sa.Column('lab', sa.String(length=200), nullable=False),
    sa.Column('report_date', sa.Date(), nullable=True),
    sa.Column('goods_value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('conclusion', sa.String(length=10), nullable=False),
    sa.Column('failed_items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', app.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_sampling_result_case_id_case')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_sampling_result_imported_by_id_user')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_sampling_result_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sampling_result')),
    sa.UniqueConstraint('report_no', name=op.f('uq_sampling_result_report_no'))
    )
    with op.batch_alter_table('sampling_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sampling_result_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sampling_result_task_no'), ['task_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_sampling_result_uscc'), ['uscc'], unique=False)



def downgrade():
    """Drop them."""
    with op.batch_alter_table('sampling_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sampling_result_uscc'))
        batch_op.drop_index(batch_op.f('ix_sampling_result_task_no'))
        batch_op.drop_index(batch_op.f('ix_sampling_result_org_unit_id'))

    op.drop_table('sampling_result')
    with op.batch_alter_table('credit_disclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_disclosure_uscc'))
        batch_op.drop_index(batch_op.f('ix_credit_disclosure_status'))
        batch_op.drop_index(batch_op.f('ix_credit_disclosure_party_name'))
        batch_op.drop_index(batch_op.f('ix_credit_disclosure_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_credit_disclosure_display_until'))
        batch_op.drop_index(batch_op.f('ix_credit_disclosure_decision_no'))

    op.drop_table('credit_disclosure')
    with op.batch_alter_table('complaint_lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_lead_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_lead_department_code'))

    op.drop_table('complaint_lead')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
