"""Official documents (templates, number series, versions, service), enterprise accounts and invitations.

Revision ID: i17_0001
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "i17_0001"
down_revision = "i15_0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    """Create the tables; enterprise accounts are users with an enterprise_id."""
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("enterprise_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_user_enterprise_id_enterprise"), "enterprise", ["enterprise_id"], ["id"])
        batch.create_index(op.f("ix_user_enterprise_id"), ["enterprise_id"])
    op.create_table(
        "document_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("placeholders", JSON, nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        _fk("document_template", "uploaded_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_template")),
    )
    op.create_index(op.f("ix_document_template_kind"), "document_template", ["kind"])
    op.create_table(
        "document_number_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        _fk("document_number_counter", "org_unit_id", "org_unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_number_counter")),
        sa.UniqueConstraint("org_unit_id", "kind", "year", name=op.f("uq_document_number_counter_org_unit_id")),
    )
    op.create_table(
        "case_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("number", sa.String(80), nullable=False),
        sa.Column("series_year", sa.Integer(), nullable=True),
        sa.Column("series_no", sa.Integer(), nullable=True),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("case_document", "case_id", "case"),
        _fk("case_document", "org_unit_id", "org_unit"),
        _fk("case_document", "created_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_document")),
    )
    op.create_index(op.f("ix_case_document_case_id"), "case_document", ["case_id"])
    op.create_table(
        "document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("context", JSON, nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("generated_by_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        _fk("document_version", "document_id", "case_document"),
        _fk("document_version", "template_id", "document_template"),
        _fk("document_version", "generated_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("document_id", "version", name=op.f("uq_document_version_document_id")),
    )
    op.create_index(op.f("ix_document_version_document_id"), "document_version", ["document_id"])
    op.create_table(
        "document_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=True),
        sa.Column("recipient", sa.String(100), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("receipt_attachment_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        _fk("document_service", "document_id", "case_document"),
        _fk("document_service", "receipt_attachment_id", "case_attachment"),
        _fk("document_service", "recorded_by_id", "user"),
        _fk("document_service", "acknowledged_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_service")),
    )
    op.create_index(op.f("ix_document_service_document_id"), "document_service", ["document_id"])
    op.create_table(
        "enterprise_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        _fk("enterprise_invitation", "enterprise_id", "enterprise"),
        _fk("enterprise_invitation", "org_unit_id", "org_unit"),
        _fk("enterprise_invitation", "created_by_id", "user"),
        _fk("enterprise_invitation", "user_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_invitation")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enterprise_invitation_code_hash")),
    )
    op.create_index(op.f("ix_enterprise_invitation_enterprise_id"), "enterprise_invitation", ["enterprise_id"])


def downgrade():
    """Drop the tables and the column."""
    for table in ("enterprise_invitation", "document_service", "document_version", "case_document",
                  "document_number_counter", "document_template"):
        op.drop_table(table)
    with op.batch_alter_table("user") as batch:
        batch.drop_index(op.f("ix_user_enterprise_id"))
        batch.drop_constraint(op.f("fk_user_enterprise_id_enterprise"), type_="foreignkey")
        batch.drop_column("enterprise_id")
