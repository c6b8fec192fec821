"""Shared building blocks of the figures: Beijing-time periods, the regions below a bureau, class labels."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import OrgUnit
from app.cases.categories import category_label as class_label
from app.clock import LOCAL_TZ
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


def child_units(unit: OrgUnit) -> list[OrgUnit]:
    """The units directly below `unit`, by code (the regions of its breakdowns)."""
    return list(db.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.code)))


def unit_index(unit: OrgUnit) -> dict[int, OrgUnit]:
    """Every unit in scope by id (to map a case's unit to its region below `unit`)."""
    return {u.id: u for u in db.scalars(select(OrgUnit).where(OrgUnit.path.startswith(unit.path)))}


def category_label(code) -> str:
    """The Chinese name of a product category code (the code itself when unknown, '未填写' when empty)."""
    return class_label(code) if code else "未填写"
