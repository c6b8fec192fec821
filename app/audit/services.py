"""Writing and reading the audit trail (always inside the caller's transaction)."""
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.db import db, utcnow


def record_event(event_type, *, case_id=None, instance_id=None, human_task_id=None, actor_id=None,
                 summary="", data=None, at=None, human_task=None):
    """Append one audit row; flushed with the state change it describes.

    `human_task`: a task row not flushed yet (its id is filled in when both are written).
    """
    event = CaseEvent(event_type=event_type, case_id=case_id, instance_id=instance_id,
                      human_task_id=human_task_id, actor_id=actor_id, summary=summary[:300],
                      data=data or {}, created_at=at or utcnow())
    if human_task is not None:
        event.human_task = human_task
    db.add(event)
    return event


def list_case_events(case_id, limit=500):
    """The case's timeline, oldest first."""
    stmt = (select(CaseEvent).where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.created_at, CaseEvent.id).limit(limit))
    return list(db.scalars(stmt))


def list_instance_events(instance_id):
    """Every event of one process instance, oldest first."""
    stmt = select(CaseEvent).where(CaseEvent.instance_id == instance_id).order_by(CaseEvent.id)
    return list(db.scalars(stmt))
