"""The province's campaign of this year, issued to every bureau: reports are asked for a campaign."""
from datetime import date

from sqlalchemy import select


def bench_campaign(app, today, register=False) -> int:
    """Make (once) and return the id of this year's province campaign, issued to every bureau below it;
    with `register`, its register filled from the cases (once)."""
    from app.auth.models import OrgUnit
    from app.campaigns.models import Campaign, CampaignEnterprise, CampaignUnit
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
        if register and db.scalar(select(CampaignEnterprise.id).where(CampaignEnterprise.campaign_id == campaign_id)
                                  .limit(1)) is None:
            _fill_register(db, campaign_id)
    return campaign_id


def _fill_register(db, campaign_id):
    """The register a province campaign reaches: every enterprise with a key-product investigation, with its
    (earliest) case as the one launched, and the enterprises of failed samples, registered but not launched."""
    from sqlalchemy import text

    from app.db import utcnow

    now = utcnow().replace(tzinfo=None)
    db.execute(text(
        'INSERT INTO campaign_enterprise (campaign_id, org_unit_id, enterprise_id, product_class, products, case_id,'
        ' added_at) SELECT :campaign, MIN(c.org_unit_id), c.enterprise_id, MIN(c.product_category), \'\','
        ' MIN(c.id), :now FROM "case" c WHERE c.kind = \'hazard_investigation\' AND c.enterprise_id IS NOT NULL'
        ' GROUP BY c.enterprise_id'), {"campaign": campaign_id, "now": now})
    db.execute(text(
        'INSERT INTO campaign_enterprise (campaign_id, org_unit_id, enterprise_id, product_class, products, case_id,'
        ' added_at) SELECT :campaign, MIN(c.org_unit_id), c.enterprise_id, MIN(c.product_category), \'\', NULL, :now'
        ' FROM "case" c WHERE c.kind = \'failed_sample_disposal\' AND c.enterprise_id IS NOT NULL AND NOT EXISTS'
        ' (SELECT 1 FROM campaign_enterprise e WHERE e.campaign_id = :campaign AND e.enterprise_id = c.enterprise_id)'
        ' GROUP BY c.enterprise_id'), {"campaign": campaign_id, "now": now})
