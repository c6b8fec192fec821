"""重要情况专报: an important situation reported at once to every bureau above, with a notification.

A special report is sent, never edited, so it is kept as an append-only audit row (event
"important_report") rather than as a draft; the bureaus above read it on the campaign page.
"""
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.audit.services import record_event
from app.auth.models import OrgUnit
from app.db import db, utcnow
from app.errors import Forbidden, InvalidInput

EVENT = "important_report"
MAX_TITLE, MAX_BODY = 100, 4000


def _ancestors(unit) -> list[OrgUnit]:
    ids = [int(x) for x in unit.path.strip("/").split("/") if x and int(x) != unit.id]
    return list(db.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)).order_by(OrgUnit.path))) if ids else []


def send_important_report(user, campaign_id, title, body) -> CaseEvent:
    """Send a special report up the whole chain at once; every bureau above is notified."""
    from app.campaigns.services import can_manage, notify_quality_staff, visible_campaign

    campaign = visible_campaign(user, campaign_id)
    if not can_manage(user):
        raise Forbidden("只有质量监督科室可以报送重要情况专报")
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"请填写标题（不超过 {MAX_TITLE} 字）", field="title")
    if not body or len(body) > MAX_BODY:
        raise InvalidInput(f"请填写内容（不超过 {MAX_BODY} 字）", field="body")
    now = utcnow()
    event = record_event(EVENT, actor_id=user.id, summary=f"{user.org_unit.code} {title}"[:300],
                         data={"campaign_id": campaign.id, "org_unit_id": user.org_unit_id,
                               "org_unit": user.org_unit.name, "title": title, "body": body,
                               "reporter": user.display_name}, at=now)
    db.flush()
    notify_quality_staff(_ancestors(user.org_unit), f"重要情况专报：{title}", f"{user.org_unit.name}：{body[:200]}",
                         f"/campaigns/{campaign.id}#important", f"important:{event.id}")
    return event


def important_reports(campaign, unit) -> list[dict]:
    """The special reports of the campaign sent from `unit` or the bureaus below it, newest first."""
    below = set(db.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))))
    rows = db.scalars(select(CaseEvent).where(CaseEvent.event_type == EVENT).order_by(CaseEvent.id.desc()))
    return [{**e.data, "at": e.created_at} for e in rows
            if e.data.get("campaign_id") == campaign.id and e.data.get("org_unit_id") in below]
