"""The province's campaign of this year, issued to every bureau: reports are asked for a campaign."""
from datetime import date

from sqlalchemy import select


def bench_campaign(app, today) -> int:
    """Make (once) and return the id of this year's province campaign, issued to every bureau below it."""
    from app.auth.models import OrgUnit
    from app.campaigns.models import Campaign, CampaignUnit
    from app.db import db, unit_of_work

    with app.app_context(), unit_of_work():
        province = db.scalar(select(OrgUnit).where(OrgUnit.level == "province").order_by(OrgUnit.id))
        campaign = db.scalar(select(Campaign).where(Campaign.org_unit_id == province.id,
                                                    Campaign.start_date == date(today.year, 1, 1)))
        if campaign is None:
            campaign = Campaign(name=f"{today.year}年产品质量安全专项行动（基准）", org_unit_id=province.id,
                                start_date=date(today.year, 1, 1), phases=[], class_codes=[], report_weekday=3,
                                report_time="17:00", annual_date=date(today.year, 12, 31), status="issued")
            db.add(campaign)
            db.flush()
            below = db.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(province.path),
                                                        OrgUnit.id != province.id, OrgUnit.kind == "bureau"))
            db.add_all(CampaignUnit(campaign_id=campaign.id, org_unit_id=unit_id) for unit_id in below)
        campaign_id = campaign.id
    return campaign_id
