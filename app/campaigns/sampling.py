"""Sampling tasks of a campaign issued to the bureaus below in batches (分期分批): each batch opens one
supervision_sampling case per receiving bureau, through the case start service."""
from datetime import date

from sqlalchemy import select

from app.audit.models import CaseEvent
from app.audit.services import record_event
from app.auth.models import OrgUnit
from app.campaigns.progress import regions
from app.campaigns.services import can_issue, notify_quality_staff, visible_campaign
from app.cases.categories import category_label, is_key_class, is_known_class
from app.cases.models import Case
from app.cases.services import open_case
from app.db import db
from app.errors import Forbidden, InvalidInput

EVENT = "campaign_sampling_issued"
MAX_BATCHES_PER_UNIT = 10000


def issue_sampling_batch(user, campaign_id, product_class, product_name, due: date, counts: dict) -> list[Case]:
    """Issue batch n+1 of the campaign's sampling: `counts` {region code: sample batches} of bureaus below."""
    campaign = visible_campaign(user, campaign_id)
    if not can_issue(user) or campaign.org_unit_id != user.org_unit_id:
        raise Forbidden("只有发起单位的负责人可以下达抽查任务")
    if not is_known_class(product_class):
        raise InvalidInput("请选择有效的产品类别", field="product_class")
    if not (product_name or "").strip():
        raise InvalidInput("请填写产品名称", field="product_name")
    if due is None:
        raise InvalidInput("请填写完成日期", field="due")
    below = {u.code: u for u in regions(campaign, user.org_unit) if u.id != user.org_unit_id}
    wanted = {code: n for code, n in counts.items() if n}
    if not wanted:
        raise InvalidInput("请至少为一个单位填写抽查批次数", field="counts")
    unknown = [c for c in wanted if c not in below]
    if unknown:
        raise InvalidInput("只能向已下发的下级单位下达任务")
    if any(not 0 < n <= MAX_BATCHES_PER_UNIT for n in wanted.values()):
        raise InvalidInput("批次数应为 1-10000", field="counts")
    batch_no = len(sampling_batches(campaign)) + 1
    plan = f"{campaign.name}·第{batch_no}批"
    cases = []
    for code in sorted(wanted):
        unit = below[code]
        facts = {"plan_name": plan, "sample_count": wanted[code], "sampling_due": due.isoformat(),
                 "campaign_id": campaign.id, "batch_no": batch_no}
        cases.append(open_case("supervision_sampling", unit, title=f"{plan}·{product_name.strip()}",
                               product_category=product_class, product_name=product_name.strip()[:200],
                               is_key_product=is_key_class(product_class), facts=facts, user_id=user.id))
    record_event(EVENT, actor_id=user.id, summary=plan[:300],
                 data={"campaign_id": campaign.id, "batch_no": batch_no, "product_class": product_class,
                       "due": due.isoformat(), "cases": [c.id for c in cases], "counts": wanted})
    notify_quality_staff([below[c] for c in wanted], "抽查任务已下达", f"{plan}：{category_label(product_class)}",
                         "/inbox/", f"sampling:{campaign.id}:{batch_no}")
    return cases


def sampling_batches(campaign) -> list[dict]:
    """The batches issued for the campaign, oldest first, with their cases' bureaus and status."""
    events = [e for e in db.scalars(select(CaseEvent).where(CaseEvent.event_type == EVENT).order_by(CaseEvent.id))
              if e.data.get("campaign_id") == campaign.id]
    ids = [i for e in events for i in e.data.get("cases", [])]
    cases = {c.id: c for c in db.scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}
    units = {u.id: u for u in db.scalars(select(OrgUnit).where(OrgUnit.id.in_({c.org_unit_id for c in
                                                                               cases.values()})))} if cases else {}
    return [{**e.data, "at": e.created_at,
             "rows": [{"case": cases[i], "unit": units[cases[i].org_unit_id]} for i in e.data.get("cases", [])
                      if i in cases]} for e in events]
