"""Shared building blocks of the figures: Beijing-time periods, scoped case rows, fact parsing."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select

from app.auth.models import OrgUnit
from app.auth.services import unit_ids_in_scope
from app.cases.categories import category_label as class_label
from app.cases.models import Case, Enterprise
from app.clock import LOCAL_TZ, local_date
from app.db import db


@dataclass(frozen=True)
class Period:
    """An inclusive range of Beijing calendar dates."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        """The first instant of the period, aware UTC-comparable."""
        return datetime.combine(self.start, time.min, LOCAL_TZ)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, LOCAL_TZ)

    def holds(self, day: date | None) -> bool:
        """True when the Beijing date lies in the period."""
        return day is not None and self.start <= day <= self.end


def parse_day(value) -> date | None:
    """An ISO date (or datetime) fact as a date; anything else is None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return local_date(value) if value.tzinfo else value.date()
    if isinstance(value, str) and len(value) > 10:
        try:  # a datetime fact (e.g. transfer_at): its Beijing date when it carries a zone
            return parse_day(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def as_amount(value) -> Decimal:
    """A money fact (number or numeric text) as Decimal; unreadable values count as zero."""
    if value is None or isinstance(value, bool):
        return Decimal(0)
    try:
        return Decimal(str(value).replace(",", "").strip() or "0")
    except InvalidOperation:
        return Decimal(0)


def is_true(value) -> bool:
    """A boolean fact, accepting the form encodings true/'true'/'1'/'yes'/'是'."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on", "是")
    return bool(value)


def rows_of(value) -> list[dict]:
    """A table fact (list of dict rows); anything else is an empty table."""
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


@dataclass(slots=True)
class ReportCase:
    """A case as the statutory figures read it: columns, unit and enterprise names, and facts when needed."""

    id: int
    number: str
    kind: str
    title: str
    status: str
    enterprise_id: int | None
    product_category: str
    opened_at: datetime
    closed_at: datetime | None
    org_unit_name: str
    enterprise_name: str
    facts: dict


def report_cases(unit: OrgUnit, opened_before=None, fact_kinds=(), others_from=None) -> list[ReportCase]:
    """Cases of the unit and below opened before `opened_before`, oldest first; facts of `fact_kinds` only.

    Columns and names come in one joined query (no per-case loading of units or enterprises), and the
    JSON of kinds whose facts the figures never read is not fetched or parsed. Cases of the other kinds
    count only by their opening date, so with `others_from` those opened earlier are left out.
    """
    where = [Case.org_unit_id.in_(unit_ids_in_scope(unit))]
    if opened_before is not None:
        where.append(Case.opened_at < opened_before)
    if others_from is not None:
        where.append(or_(Case.kind.in_(fact_kinds), Case.opened_at >= others_from))
    facts = dict(db.execute(select(Case.id, Case.facts).where(*where, Case.kind.in_(fact_kinds))).all()) \
        if fact_kinds else {}
    stmt = (select(Case.id, Case.number, Case.kind, Case.title, Case.status, Case.enterprise_id,
                   Case.product_category, Case.opened_at, Case.closed_at, OrgUnit.name, Enterprise.name)
            .join(OrgUnit, OrgUnit.id == Case.org_unit_id).outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
            .where(*where).order_by(Case.opened_at, Case.id))
    return [ReportCase(*row[:-2], row[-2], row[-1] or "", facts.get(row[0]) or {}) for row in db.execute(stmt)]


def child_units(unit: OrgUnit) -> list[OrgUnit]:
    """The units directly below `unit`, by code (the regions of its breakdowns)."""
    return list(db.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.code)))


def unit_index(unit: OrgUnit) -> dict[int, OrgUnit]:
    """Every unit in scope by id (to map a case's unit to its region below `unit`)."""
    return {u.id: u for u in db.scalars(select(OrgUnit).where(OrgUnit.path.startswith(unit.path)))}


def category_label(code) -> str:
    """The Chinese name of a product category code (the code itself when unknown, '未填写' when empty)."""
    return class_label(code) if code else "未填写"
