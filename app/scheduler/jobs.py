"""Scheduler jobs: each is an idempotent function that commits per unit of work."""
import logging

from flask import current_app
from sqlalchemy import func, select, text

from app.db import db, is_postgres, unit_of_work, utcnow
from app.engine import service
from app.engine.models import ProcessInstance
from app.errors import AppError

log = logging.getLogger(__name__)


def fire_due_timers(now=None) -> int:
    """Fire every due BPMN timer, one instance per transaction. Returns instances that progressed.

    The instance is claimed (FOR UPDATE SKIP LOCKED on PostgreSQL) in the SAME transaction that
    fires it, so a second scheduler skips it instead of queueing behind it; selecting a batch in
    one transaction and firing later would release the claims first. fire_timers re-checks the
    due time under the lock, so a timer reached twice still fires once.
    """
    handled, skipped = 0, set()
    while True:
        now_at = now or utcnow()
        instance_id = None
        try:
            with unit_of_work():
                ids = [i for i in service.due_timer_instance_ids(now_at, limit=len(skipped) + 1)
                       if i not in skipped]
                if not ids:
                    return handled
                instance_id = ids[0]
                if service.fire_timers(instance_id) is None:
                    skipped.add(instance_id)
                else:
                    handled += 1
        except AppError as exc:
            # Left for the next tick (or an admin); never retried in a loop within this one.
            skipped.add(instance_id)
            log.warning("timer of instance %s not fired: %s", instance_id, exc.message)
        finally:
            db.remove()


# Any fixed 64-bit number: the PostgreSQL advisory lock the deadline jobs take per transaction.
DEADLINE_JOBS_LOCK = 0x5153_466C_6F77_0001


def _leader_only():
    """True when this worker may run a leader-only job now (always on SQLite, whose writers queue).

    On PostgreSQL the transaction-scoped advisory lock makes a second worker skip instead of
    computing the same reminders; it is released with the job's commit or rollback.
    """
    if not is_postgres():
        return True
    return bool(db.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": DEADLINE_JOBS_LOCK}))


def send_deadline_reminders(now=None) -> int:
    """Reminders before / at / after the due time of inbox tasks; one transaction. Returns rows added."""
    from app.notifications.deadlines import send_due_reminders

    with unit_of_work():
        if not _leader_only():
            return 0
        return send_due_reminders(now or utcnow())


def escalate_overdue(now=None) -> int:
    """Notify department heads of tasks overdue beyond ESCALATION_AFTER_WORKING_DAYS; one transaction."""
    from app.notifications.deadlines import escalate_overdue_tasks

    days = current_app.config["ESCALATION_AFTER_WORKING_DAYS"]
    with unit_of_work():
        if not _leader_only():
            return 0
        return escalate_overdue_tasks(now or utcnow(), int(days))


def next_timer_due_at():
    """When the earliest pending BPMN timer is due (None when no instance waits on one)."""
    return db.scalar(select(func.min(ProcessInstance.next_timer_at))
                     .where(ProcessInstance.status.in_(service.ACTIVE)))
