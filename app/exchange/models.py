"""What arrives from and leaves for the systems around QSFlow: e-CQS results, 12315 leads, disclosures."""
from datetime import date

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONType, UTCDateTime, utcnow


class SamplingResult(Base):
    """One e-CQS sampling result, identified by its report number (imports are idempotent on it)."""

    __tablename__ = "sampling_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_no: Mapped[str] = mapped_column(String(60), unique=True)
    task_no: Mapped[str] = mapped_column(String(60), default="", index=True)
    sample_no: Mapped[str] = mapped_column(String(60), default="")
    sampling_date: Mapped[date | None] = mapped_column(Date)
    sampled_party: Mapped[str] = mapped_column(String(200), default="")
    uscc: Mapped[str] = mapped_column(String(18), default="", index=True)
    producer: Mapped[str] = mapped_column(String(200), default="")
    product_name: Mapped[str] = mapped_column(String(200), default="")
    product_category: Mapped[str] = mapped_column(String(60), default="other")
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    batch: Mapped[str] = mapped_column(String(100), default="")
    lab: Mapped[str] = mapped_column(String(200), default="")
    report_date: Mapped[date | None] = mapped_column(Date)
    goods_value: Mapped[object] = mapped_column(Numeric(14, 2), default=0)
    conclusion: Mapped[str] = mapped_column(String(10))  # pass / fail
    failed_items: Mapped[list] = mapped_column(JSONType, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))  # of the normalized row: same row -> no change
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)  # territorial bureau
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))  # the failed-sample disposal opened
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)


class ComplaintLead(Base):
    """A 12315 complaint or report, deduplicated by its 12315 number, routed as a lead."""

    __tablename__ = "complaint_lead"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)  # the 12315 registration number
    kind: Mapped[str] = mapped_column(String(10))  # complaint / report
    received_date: Mapped[date] = mapped_column(Date)
    enterprise_name: Mapped[str] = mapped_column(String(200), default="")
    uscc: Mapped[str] = mapped_column(String(18), default="")
    region_code: Mapped[str] = mapped_column(String(12), default="")
    product_category: Mapped[str] = mapped_column(String(60), default="other")
    product_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    department_code: Mapped[str] = mapped_column(String(40), index=True)  # consumer_protection / enforcement
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))  # a report's penalty case (lead check)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)


class CreditDisclosure(Base):
    """An administrative-penalty disclosure with the national publicity system's fields."""

    __tablename__ = "credit_disclosure"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), unique=True)
    # Numbers are unique per bureau, kind and year only (DOMAIN.md section 9): the case identifies a disclosure.
    decision_no: Mapped[str] = mapped_column(String(60), index=True)
    party_name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str] = mapped_column(String(18), default="", index=True)
    legal_representative: Mapped[str] = mapped_column(String(60), default="")
    violation: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    penalty_content: Mapped[str] = mapped_column(Text, default="")
    fine_amount: Mapped[object] = mapped_column(Numeric(14, 2), default=0)
    confiscation_amount: Mapped[object] = mapped_column(Numeric(14, 2), default=0)
    decision_date: Mapped[date] = mapped_column(Date)
    authority: Mapped[str] = mapped_column(String(100))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    published_on: Mapped[date] = mapped_column(Date)
    display_until: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)  # published / withdrawn
    revoked_on: Mapped[date | None] = mapped_column(Date)
    withdraw_due: Mapped[date | None] = mapped_column(Date)
    withdrawn_at: Mapped[object | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
