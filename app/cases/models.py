"""Cases and the enterprises they concern."""
from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE

from app.auth.models import OrgUnit
from app.db import Base, JSONType, UTCDateTime, utcnow

CASE_STATUSES = ("open", "closed", "cancelled")
DASHBOARD_COLUMNS = ["product_category", "kind", "status", "is_key_product", "tally_batches", "tally_batches_key",
                     "tally_hz_general", "tally_hz_major", "tally_hz_general_fixed", "tally_hz_major_fixed"]
# Created by migration i13_0001 on PostgreSQL only (an expression index and pg_trgm trigram indexes), so
# they are not declared here; the schema comparison leaves them out.
POSTGRES_ONLY_INDEXES = frozenset({"ix_case_parent_number", "ix_case_number_trgm", "ix_case_title_trgm",
                                   "ix_case_product_name_trgm", "ix_enterprise_name_trgm"})


class Enterprise(Base):
    """A regulated enterprise, identified by its unified social credit code (USCC)."""

    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_representative: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    region_code: Mapped[str] = mapped_column(String(12), default="")
    role: Mapped[str] = mapped_column(String(20), default="producer")  # producer / seller / platform
    licence_no: Mapped[str] = mapped_column(String(60), default="")
    ccc_no: Mapped[str] = mapped_column(String(60), default="")
    credit_grade: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)


class Case(Base):
    """One supervision case; its lifecycle runs as one or more process instances."""

    __tablename__ = "case"
    # The inbox filter bar asks which categories occur in a scope: one probe per category.
    # The dashboard groups a scope's cases by opening day from this index alone on PostgreSQL (INCLUDE).
    __table_args__ = (Index("ix_case_category_unit", "product_category", "org_unit_id"),
                      Index("ix_case_unit_opened_day", "org_unit_id", "tally_opened_day",
                            postgresql_include=DASHBOARD_COLUMNS))
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # = the root process key
    title: Mapped[str] = mapped_column(String(200))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    product_category: Mapped[str] = mapped_column(String(60), default="", index=True)
    product_name: Mapped[str] = mapped_column(String(200), default="")
    is_key_product: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    facts: Mapped[dict] = mapped_column(JSONType, default=dict)  # the case's record fields
    opened_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    closed_at: Mapped[object | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # What the case adds to the reports, derived from its facts on every write (app/cases/tally.py).
    tally_opened_day: Mapped[date | None] = mapped_column(Date)  # Beijing date of opened_at
    tally_self_day: Mapped[date | None] = mapped_column(Date)
    tally_inspection_day: Mapped[date | None] = mapped_column(Date)
    tally_hazard_day: Mapped[date | None] = mapped_column(Date)
    tally_hz_general: Mapped[int | None] = mapped_column(Integer)
    tally_hz_major: Mapped[int | None] = mapped_column(Integer)
    tally_hz_general_fixed: Mapped[int | None] = mapped_column(Integer)
    tally_hz_major_fixed: Mapped[int | None] = mapped_column(Integer)
    tally_interview_day: Mapped[date | None] = mapped_column(Date)
    tally_help_day: Mapped[date | None] = mapped_column(Date)
    tally_decision_day: Mapped[date | None] = mapped_column(Date)
    tally_fine_fen: Mapped[int | None] = mapped_column(BigInteger)
    tally_confiscation_fen: Mapped[int | None] = mapped_column(BigInteger)
    tally_referral_day: Mapped[date | None] = mapped_column(Date)
    tally_report_day: Mapped[date | None] = mapped_column(Date)
    tally_batches: Mapped[int | None] = mapped_column(Integer)
    tally_batches_failed: Mapped[int | None] = mapped_column(Integer)
    tally_batches_key: Mapped[int | None] = mapped_column(Integer)
    tally_batch_classes: Mapped[dict | None] = mapped_column(JSONType)  # {class: [batches, failed]}

    enterprise: Mapped[Enterprise | None] = relationship()
    org_unit: Mapped[OrgUnit] = relationship()


# Any write of the facts (a completed form, an import, a served document) refreshes the tally in the
# same statement; bulk INSERTs that bypass the ORM set the columns from app.cases.tally.tally_values.
@event.listens_for(Case, "before_insert")
def _tally_new_case(_mapper, _connection, case):
    from app.cases.tally import apply_tally

    apply_tally(case)


@event.listens_for(Case, "before_update")
def _tally_changed_case(_mapper, _connection, case):
    # The state's own history per attribute: `state.attrs` builds an accessor for each of the case's 40 columns.
    state = inspect(case)
    if any(state.get_history(name, PASSIVE_NO_INITIALIZE).has_changes() for name in ("facts", "kind", "opened_at")):
        from app.cases.tally import apply_tally

        apply_tally(case)


class CaseNumberCounter(Base):
    """Per prefix and year, the last number handed out (row-locked when incremented)."""

    __tablename__ = "case_number_counter"
    __table_args__ = (UniqueConstraint("prefix", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class CaseNote(Base):
    """A free-text comment on a case (optionally on one task)."""

    __tablename__ = "case_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)


class CaseAttachment(Base):
    """A document filed on a case (optionally for one task); the bytes live under UPLOAD_DIR."""

    __tablename__ = "case_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    filename: Mapped[str] = mapped_column(String(200))  # the name the user uploaded, for display
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # random, never user-chosen
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
