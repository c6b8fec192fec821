"""Suspended processes in the inbox: their tasks are marked, and claiming, working or submitting them is
refused with the reason the administrator gave (not a form error)."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.db import db
from app.engine.models import ProcessInstance
from app.errors import Conflict


def suspended_instance_ids(instance_ids) -> set[int]:
    """Which of these instances are suspended now."""
    ids = {i for i in instance_ids if i is not None}
    if not ids:
        return set()
    return set(db.scalars(select(ProcessInstance.id).where(ProcessInstance.id.in_(ids),
                                                           ProcessInstance.status == "suspended")))


def suspension_reason(instance_id) -> str | None:
    """None when the instance is not suspended; else the reason given when it was (possibly empty)."""
    if not suspended_instance_ids([instance_id]):
        return None
    reason = db.scalar(select(CaseEvent.summary).where(CaseEvent.instance_id == instance_id,
                                                       CaseEvent.event_type == "instance_suspended")
                       .order_by(CaseEvent.id.desc()).limit(1))
    return reason or ""


def suspension_message(reason) -> str:
    """The sentence shown on the task page and when an action is refused."""
    if reason:
        return _("该案件流程已暂停（原因：%(r)s），恢复前不能签收、办理或提交该任务。", r=reason)
    return _("该案件流程已暂停，恢复前不能签收、办理或提交该任务。")


def refuse_if_suspended(task) -> None:
    """Conflict with the reason when the task's process is suspended."""
    reason = suspension_reason(task.instance_id)
    if reason is not None:
        raise Conflict(suspension_message(reason))
