"""Scheduler job: each Thursday (Beijing time) a weekly report draft for every bureau, once."""
import logging

from sqlalchemy import select

from app.auth.models import ORG_LEVELS, OrgUnit
from app.clock import local_today
from app.db import db, unit_of_work, utcnow
from app.reports.models import Report
from app.reports.services import ensure_report
from app.reports.statutory import weekly_period

log = logging.getLogger(__name__)
THURSDAY = 3


def generate_weekly_reports(now=None) -> int:
    """Create the missing weekly drafts of this Thursday's week; returns how many were created."""
    now = now or utcnow()
    today = local_today(now)
    if today.weekday() != THURSDAY:
        return 0
    period = weekly_period(today)
    created = 0
    with unit_of_work():
        have = set(db.scalars(select(Report.org_unit_id).where(
            Report.kind == "weekly", Report.period_start == period.start, Report.period_end == period.end)))
        units = db.scalars(select(OrgUnit).where(OrgUnit.level.in_(ORG_LEVELS)).order_by(OrgUnit.path))
        for unit in units:
            if unit.id not in have:
                # ensure_report yields to a draft another scheduler process created meanwhile.
                created += ensure_report("weekly", unit, period)[1]
    if created:
        log.info("weekly report drafts for %s: %d created", period.end, created)
    return created
