"""Campaigns (专项行动) issued down the chain, and product classes kept as data."""
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import OrgUnit
from app.db import Base, JSONType, UTCDateTime, utcnow


class ProductClass(Base):
    """A product class: national (no region) or added by a province or city, active for a range of years."""

    __tablename__ = "product_class"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    # The region code of the province or city that added it ("" = national); a code rather than a bureau
    # row so that another province's plan (e.g. Gansu's) can be kept without its bureaus.
    region_code: Mapped[str] = mapped_column(String(12), default="", index=True)
    is_key: Mapped[bool] = mapped_column(Boolean, default=True)  # counts toward the 30% indicator
    year_from: Mapped[int | None] = mapped_column(Integer)
    year_to: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    source: Mapped[str] = mapped_column(String(200), default="")  # the plan or notice that lists it

    def active_in(self, year: int) -> bool:
        """True when the class is listed for `year`."""
        return (self.year_from is None or self.year_from <= year) and (self.year_to is None or year <= self.year_to)


class Campaign(Base):
    """A campaign created by a province or city: phases with due dates, classes and the report schedule."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    # [{"key": "self_inspection", "name": "企业自查", "due": "2026-05-20"}, ...] in order
    phases: Mapped[list] = mapped_column(JSONType, default=list)
    class_codes: Mapped[list] = mapped_column(JSONType, default=list)
    report_weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    report_time: Mapped[str] = mapped_column(String(5))  # "HH:MM" Beijing time
    stage_date: Mapped[date | None] = mapped_column(Date)
    annual_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft / issued
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    issued_at: Mapped[object | None] = mapped_column(UTCDateTime())

    org_unit: Mapped[OrgUnit] = relationship()


class CampaignUnit(Base):
    """A bureau the campaign was issued to; it acknowledges and adds its local classes."""

    __tablename__ = "campaign_unit"
    __table_args__ = (UniqueConstraint("campaign_id", "org_unit_id", name="uq_campaign_unit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    issued_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[object | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    local_class_codes: Mapped[list] = mapped_column(JSONType, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    org_unit: Mapped[OrgUnit] = relationship()


class CampaignEnterprise(Base):
    """An enterprise on a bureau's register for a campaign, with its self-inspection case once launched."""

    __tablename__ = "campaign_enterprise"
    __table_args__ = (UniqueConstraint("campaign_id", "enterprise_id", name="uq_campaign_enterprise"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_class: Mapped[str] = mapped_column(String(40), default="")
    products: Mapped[str] = mapped_column(String(200), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    added_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
