"""`make run`'s demo campaign looks right on any day: issued down to the counties, registers and
self-inspections, one phase overdue, weekly reports submitted, missing and overdue."""
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.campaigns.models import Campaign, CampaignEnterprise, CampaignUnit
from app.campaigns.progress import progress
from app.clock import local_today
from app.db import utcnow
from app.engine.deploy import deploy_directory
from app.engine.models import ProcessInstance
from app.reports.models import Report
from app.reports.upward import children_status
from app.seed.demo import seed_demo
from app.seed.reference import unit_by_code

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.mark.parametrize("now", ["2026-11-23 02:00:00", "2027-03-04 05:00:00", "2028-02-14 09:00:00"])
def test_demo_campaign_on_any_day(db_session, now):
    with freeze_time(now):
        deploy_directory(PROCESSES)
        seed_demo()
        campaign = db_session.scalar(select(Campaign))
        assert campaign.status == "issued" and campaign.start_date == local_today() - timedelta(days=90)
        reached = {u.org_unit.code for u in db_session.scalars(select(CampaignUnit))}
        assert {"350100", "350200", "350121", "350203"} <= reached
        assert len(db_session.scalars(select(CampaignEnterprise)).all()) == 9
        assert "error" not in set(db_session.scalars(select(ProcessInstance.status)))
        data = progress(campaign, unit_by_code("350000"), local_today())
        assert data["phases"][0]["overdue"] and not data["phases"][1]["overdue"]
        assert data["total"].figures["launched"] == 6
        statuses = {r.status for r in db_session.scalars(select(Report))}
        assert statuses == {"draft", "submitted"}
        fuzhou = children_status(campaign, unit_by_code("350100"), utcnow())
        assert {r["status"] for r in fuzhou["rows"]} >= {"submitted"}
        assert any(r["status"] != "submitted" for r in fuzhou["rows"])
