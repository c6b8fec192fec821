"""Scheduler job: each campaign's report drafts for every bureau it reaches, on the day its schedule names.

The job makes the drafts of the latest report day on or before today (and the stage and annual summaries
once their dates are reached), so it is idempotent and a fresh install or a scheduler that was down
catches up on its first tick.
"""
import logging

from sqlalchemy import select

from app.campaigns.schedule import active_campaigns, campaign_units, last_report_day, summary_period
from app.clock import local_today
from app.db import db, unit_of_work, utcnow
from app.reports.models import Report
from app.reports.services import ensure_report
from app.reports.statutory import weekly_period

log = logging.getLogger(__name__)


def due_reports(campaign, today):
    """[(kind, period)] of the campaign's reports whose day has come by `today` (latest week only)."""
    out = []
    day = last_report_day(campaign, today)
    if day is not None:
        out.append(("weekly", weekly_period(day)))
    for kind in ("stage", "annual"):
        period = summary_period(campaign, kind)
        if period is not None and period.end <= today:
            out.append((kind, period))
    return out


def generate_weekly_reports(now=None) -> int:
    """Create the missing drafts of every running campaign's current reports; returns how many were created."""
    today = local_today(now or utcnow())
    created = 0
    with unit_of_work():
        for campaign in active_campaigns(today):
            units = campaign_units(campaign)
            for kind, period in due_reports(campaign, today):
                have = set(db.scalars(select(Report.org_unit_id).where(
                    Report.kind == kind, Report.period_start == period.start, Report.period_end == period.end)))
                for unit in units:
                    if unit.id not in have:
                        # ensure_report yields to a draft another scheduler process created meanwhile.
                        created += ensure_report(kind, unit, period, campaign=campaign)[1]
    if created:
        log.info("report drafts: %d created", created)
    return created
