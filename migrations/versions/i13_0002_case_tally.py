"""Case tally columns: what each case adds to the reports, kept beside its facts and summed in SQL.

Revision ID: i13_0002
Revises: i11_0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "i13_0002"
down_revision = "i11_0001"
branch_labels = None
depends_on = None

DAYS = ("tally_opened_day", "tally_self_day", "tally_inspection_day", "tally_hazard_day", "tally_interview_day",
        "tally_help_day", "tally_decision_day", "tally_referral_day", "tally_report_day")
COUNTS = ("tally_hz_general", "tally_hz_major", "tally_hz_general_fixed", "tally_hz_major_fixed", "tally_batches",
          "tally_batches_failed", "tally_batches_key")
AMOUNTS = ("tally_fine_fen", "tally_confiscation_fen")


def upgrade():
    """Add the columns and the indexes the figures filter on, then derive every existing case's tally."""
    with op.batch_alter_table("case") as batch:
        for name in DAYS:
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
        for name in AMOUNTS:
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("tally_batch_classes", sa.JSON().with_variant(JSONB(), "postgresql"),
                                   nullable=True))
    # A summary reads the cases of a scope opened up to its end; a weekly trend the days it covers.
    op.create_index("ix_case_unit_opened_day", "case", ["org_unit_id", "tally_opened_day"])
    op.create_index("ix_human_task_done_due", "human_task", ["completed_at"],
                    postgresql_where=sa.text("status = 'completed' AND due_at IS NOT NULL"),
                    sqlite_where=sa.text("status = 'completed' AND due_at IS NOT NULL"))
    op.create_table("task_day_tally",
                    sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("day", sa.Date(), nullable=False),
                    sa.Column("org_unit_id", sa.Integer(), sa.ForeignKey("org_unit.id"), nullable=False),
                    sa.Column("product_category", sa.String(length=60), nullable=False),
                    sa.Column("completed", sa.Integer(), nullable=False),
                    sa.Column("on_time", sa.Integer(), nullable=False),
                    sa.UniqueConstraint("day", "org_unit_id", "product_category", name="uq_task_day_tally"))
    op.create_index("ix_task_day_tally_day", "task_day_tally", ["day"])
    op.create_table("task_day_rolled",
                    sa.Column("day", sa.Date(), primary_key=True),
                    sa.Column("rolled_at", sa.DateTime(), nullable=False))
    from app.cases.tally import backfill_tallies

    backfill_tallies(op.get_bind())


def downgrade():
    """Drop the roll-up tables, the indexes and the columns."""
    op.drop_table("task_day_rolled")
    op.drop_index("ix_task_day_tally_day", table_name="task_day_tally")
    op.drop_table("task_day_tally")
    op.drop_index("ix_human_task_done_due", table_name="human_task")
    op.drop_index("ix_case_unit_opened_day", table_name="case")
    with op.batch_alter_table("case") as batch:
        for name in DAYS + COUNTS + AMOUNTS + ("tally_batch_classes",):
            batch.drop_column(name)
