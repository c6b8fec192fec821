"""A campaign's report schedule: report days, periods and due times, all read from the campaign row."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import OrgUnit
from app.campaigns.models import Campaign, CampaignUnit
from app.clock import LOCAL_TZ
from app.db import db
from app.reports.scope import Period
from app.reports.statutory import weekly_period  # noqa: F401  (re-exported)

# After its annual summary a campaign still gets weekly drafts for this long (late figures).
GRACE_DAYS = 7


def report_time(campaign) -> time:
    """The campaign's report time of day (Beijing)."""
    hour, minute = (int(x) for x in (campaign.report_time or "00:00").split(":"))
    return time(hour, minute)


def due_at(campaign, day: date) -> datetime:
    """The moment a report due on `day` must be in (the campaign's time of day, Beijing)."""
    return datetime.combine(day, report_time(campaign), LOCAL_TZ)


def last_report_day(campaign, today: date) -> date | None:
    """The latest weekly report day on or before `today` whose week lies in the campaign, else None."""
    day = today - timedelta(days=(today.weekday() - campaign.report_weekday) % 7)
    end = (campaign.annual_date or date(campaign.start_date.year, 12, 31)) + timedelta(days=GRACE_DAYS)
    day = min(day, end - timedelta(days=(end.weekday() - campaign.report_weekday) % 7))
    return day if day - timedelta(days=7) >= campaign.start_date else None


def summary_period(campaign, kind: str) -> Period | None:
    """Stage or annual summary: from the campaign's start to its stage or annual date (None when unset)."""
    end = campaign.stage_date if kind == "stage" else campaign.annual_date
    return Period(campaign.start_date, end) if end else None


def report_due(campaign, kind: str, period: Period) -> datetime | None:
    """When a report of the campaign for `period` is due."""
    if kind == "weekly":
        return due_at(campaign, period.end + timedelta(days=1))
    return due_at(campaign, period.end)


def campaign_units(campaign) -> list[OrgUnit]:
    """The issuing bureau and every bureau the campaign was issued to, by code."""
    ids = set(db.scalars(select(CampaignUnit.org_unit_id).where(CampaignUnit.campaign_id == campaign.id)))
    ids.add(campaign.org_unit_id)
    return list(db.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)).order_by(OrgUnit.code)))


def active_campaigns(today: date) -> list[Campaign]:
    """Issued campaigns whose schedule runs on `today`."""
    rows = db.scalars(select(Campaign).where(Campaign.status == "issued", Campaign.start_date <= today)
                      .order_by(Campaign.id))
    return [c for c in rows
            if today <= (c.annual_date or date(c.start_date.year, 12, 31)) + timedelta(days=GRACE_DAYS)]
