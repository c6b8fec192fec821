"""Waiting states in words: what a case awaits (an objection window, a hearing request) and until when."""
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from app.db import db
from app.engine.models import HumanTask, ProcessInstance
from app.engine.waits import instance_waits

INBOX_LIMIT = 10


def wait_text(wait) -> str:
    """"等待异议（至 2026-12-20 23:59；收到异议及复检申请可提前结束）" for one wait."""
    parts = []
    if wait.until is not None:
        parts.append(_("至 %(d)s", d=format_datetime(wait.until, "yyyy-MM-dd HH:mm")))
    if wait.until is not None and wait.messages:
        parts.append(_("%(m)s可提前结束", m=_("或").join(wait.messages)))
    elif wait.until is None:
        # Without a deadline the message is the only way on; naming the wait itself again says nothing.
        others = [m for m in wait.messages if m != wait.title]
        if others:
            parts.append(_("收到%(m)s后继续", m=_("或").join(others)))
    return wait.title + (_("（%(p)s）", p=_("；").join(parts)) if parts else "")


def waits_text(waits) -> str:
    """Several waits in one line."""
    return _("；").join(wait_text(w) for w in waits)


def waiting_cases(user, limit=INBOX_LIMIT) -> list[tuple]:
    """(case, waits) of cases the user worked on whose process now only waits (no task open), soonest first."""
    from app.cases.models import Case

    worked = select(HumanTask.instance_id).where(HumanTask.completed_by_id == user.id)
    stmt = (select(ProcessInstance).where(ProcessInstance.status == "waiting", ProcessInstance.id.in_(worked),
                                          ProcessInstance.case_id.is_not(None))
            .order_by(ProcessInstance.next_timer_at.is_(None), ProcessInstance.next_timer_at).limit(limit))
    found = []
    for inst in db.scalars(stmt):
        waits = instance_waits(inst)
        case = db.get(Case, inst.case_id)
        if waits and case is not None:
            found.append((case, waits))
    return found
