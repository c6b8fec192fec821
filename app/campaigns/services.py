"""Campaigns: create, issue down the chain, acknowledge with local classes; who sees which campaign."""
from datetime import date

from sqlalchemy import or_, select

from app.audit.services import record_event
from app.auth.models import OrgUnit
from app.auth.services import unit_ids_in_scope
from app.campaigns.models import Campaign, CampaignUnit
from app.campaigns.schedule import summary_period
from app.cases.categories import is_known_class
from app.db import db, utcnow
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.reports.scope import Period
from app.reports.statutory import weekly_period

MANAGING_DEPARTMENT = "quality_supervision"
ISSUING_LEVELS = ("province", "city")


def can_manage(user) -> bool:
    """Quality-supervision staff manage their own bureau's part of a campaign."""
    return bool(user and (MANAGING_DEPARTMENT in user.department_codes or user.has_role("system_admin")))


def can_issue(user) -> bool:
    """A quality-supervision head of a province or city creates and issues campaigns."""
    return can_manage(user) and user.has_role("supervisor") and user.org_unit.level in ISSUING_LEVELS


def visible_campaigns(user) -> list[Campaign]:
    """Campaigns issued to the user's bureau, or created by it or a bureau below it; newest first."""
    unit = user.org_unit
    issued_here = select(CampaignUnit.campaign_id).where(CampaignUnit.org_unit_id == unit.id)
    stmt = select(Campaign).where(or_(Campaign.id.in_(issued_here),
                                      Campaign.org_unit_id.in_(unit_ids_in_scope(unit))))
    return list(db.scalars(stmt.order_by(Campaign.start_date.desc(), Campaign.id.desc())))


def visible_campaign(user, campaign_id) -> Campaign:
    """One campaign the user may see."""
    campaign = db.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("专项行动不存在")
    if campaign not in visible_campaigns(user):
        raise Forbidden("无权查看该专项行动")
    return campaign


def report_period(campaign, kind, report_day: date | None) -> Period:
    """The period of a campaign's report: the week before a report day, or the stage / annual range."""
    if kind == "weekly":
        if report_day is None or report_day.weekday() != campaign.report_weekday:
            raise InvalidInput("报送日不是该专项行动的周报报送日", field="report_day")
        return weekly_period(report_day)
    period = summary_period(campaign, kind)
    if period is None:
        raise InvalidInput("该专项行动未设定这一总结的日期")
    return period


def _clean_phases(phases) -> list[dict]:
    out = []
    for i, p in enumerate(phases or []):
        name, due = (p.get("name") or "").strip(), p.get("due")
        if not name:
            continue
        if not isinstance(due, date):
            raise InvalidInput(f"阶段「{name}」缺少截止日期")
        out.append({"key": p.get("key") or f"phase{i + 1}", "name": name, "due": due.isoformat()})
    if not out:
        raise InvalidInput("请至少填写一个阶段")
    if [p["due"] for p in out] != sorted(p["due"] for p in out):
        raise InvalidInput("各阶段的截止日期应依次递增")
    return out


def create_campaign(user, data) -> Campaign:
    """A province or city head creates a campaign (a draft until issued)."""
    if not can_issue(user):
        raise Forbidden("只有省、市局质量监督科室负责人可以创建专项行动")
    codes = [c for c in data.get("class_codes") or [] if c]
    unknown = [c for c in codes if not is_known_class(c)]
    if unknown:
        raise InvalidInput(f"未知的产品类别：{'、'.join(unknown)}")
    for key in ("stage_date", "annual_date"):
        if data.get(key) and data[key] < data["start_date"]:
            raise InvalidInput("总结日期不能早于开始日期")
    campaign = Campaign(name=data["name"].strip(), org_unit_id=user.org_unit_id, start_date=data["start_date"],
                        phases=_clean_phases(data.get("phases")), class_codes=codes,
                        report_weekday=data["report_weekday"], report_time=data["report_time"],
                        stage_date=data.get("stage_date"), annual_date=data.get("annual_date"),
                        status="draft", created_by_id=user.id, created_at=utcnow())
    db.add(campaign)
    db.flush()
    record_event("campaign_created", actor_id=user.id, summary=campaign.name, data={"campaign_id": campaign.id})
    return campaign


def _issue_to_children(campaign, unit, now) -> list[OrgUnit]:
    have = set(db.scalars(select(CampaignUnit.org_unit_id).where(CampaignUnit.campaign_id == campaign.id)))
    children = [u for u in db.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.code))
                if u.id not in have]
    for child in children:
        db.add(CampaignUnit(campaign_id=campaign.id, org_unit_id=child.id, issued_at=now, local_class_codes=[],
                            note=""))
    db.flush()
    return children


def issue_campaign(user, campaign_id) -> list[OrgUnit]:
    """The issuing head sends the campaign to the bureaus directly below."""
    campaign = visible_campaign(user, campaign_id)
    if not can_issue(user) or campaign.org_unit_id != user.org_unit_id:
        raise Forbidden("只有发起单位的负责人可以下发专项行动")
    if campaign.status == "issued":
        raise Conflict("专项行动已下发")
    now = utcnow()
    campaign.status, campaign.issued_at = "issued", now
    children = _issue_to_children(campaign, user.org_unit, now)
    record_event("campaign_issued", actor_id=user.id, summary=campaign.name,
                 data={"campaign_id": campaign.id, "units": [u.code for u in children]}, at=now)
    _notify_units(children, campaign, "专项行动已下发", f"{user.org_unit.name}下发：{campaign.name}")
    return children


def own_entry(user, campaign) -> CampaignUnit | None:
    """The user's bureau's row of the campaign (None for the issuing bureau)."""
    return db.scalar(select(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id,
                                                CampaignUnit.org_unit_id == user.org_unit_id))


def acknowledge(user, campaign_id, local_codes=(), note="") -> CampaignUnit:
    """A bureau acknowledges the campaign, adds its local classes and passes it to the bureaus below it."""
    campaign = visible_campaign(user, campaign_id)
    entry = own_entry(user, campaign)
    if entry is None or not can_manage(user):
        raise Forbidden("只有接收单位的质量监督科室可以签收")
    codes = [c for c in local_codes if c]
    unknown = [c for c in codes if not is_known_class(c)]
    if unknown:
        raise InvalidInput(f"未知的产品类别：{'、'.join(unknown)}")
    now = utcnow()
    if entry.acknowledged_at is None:
        entry.acknowledged_at, entry.acknowledged_by_id = now, user.id
    entry.local_class_codes, entry.note = codes, (note or "").strip()[:2000]
    children = _issue_to_children(campaign, user.org_unit, now)
    record_event("campaign_acknowledged", actor_id=user.id, summary=f"{campaign.name} {user.org_unit.code}",
                 data={"campaign_id": campaign.id, "local_classes": codes,
                       "issued_to": [u.code for u in children]}, at=now)
    _notify_units(children, campaign, "专项行动已下发", f"{user.org_unit.name}转发：{campaign.name}")
    return entry


def issued_units(campaign) -> list[tuple[CampaignUnit, OrgUnit]]:
    """Every bureau the campaign reached, with its acknowledgement, by region code."""
    stmt = (select(CampaignUnit, OrgUnit).join(OrgUnit, OrgUnit.id == CampaignUnit.org_unit_id)
            .where(CampaignUnit.campaign_id == campaign.id).order_by(OrgUnit.code))
    return list(db.execute(stmt).tuples())


def campaign_classes(campaign, unit=None) -> list[str]:
    """The campaign's classes plus the local additions of `unit` and the bureaus above it."""
    codes = list(campaign.class_codes or [])
    if unit is not None:
        ids = [int(x) for x in unit.path.strip("/").split("/") if x]
        for entry in db.scalars(select(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id,
                                                           CampaignUnit.org_unit_id.in_(ids))):
            codes += [c for c in entry.local_class_codes or [] if c not in codes]
    return codes


def notify_quality_staff(units, title, body, link, key):
    """Notify the quality-supervision staff of each bureau once per `key`."""
    from app.notifications.services import department_members, notify_users

    for unit in units:
        notify_users(department_members(unit.id, MANAGING_DEPARTMENT), "system", title, body=body, link=link,
                     key=f"{key}:{unit.id}")


def _notify_units(units, campaign, title, body):
    notify_quality_staff(units, title, body, f"/campaigns/{campaign.id}", f"campaign:{campaign.id}:{title}")
