"""Fewer clicks between steps: the starter takes up a new case's first task (prefilled from the start form),
and "办结并继续" opens the next task when it is the user's own or their department's."""
from sqlalchemy import select

from app.audit.services import record_event
from app.db import db, utcnow
from app.engine.models import HumanTask
from app.inbox.models import TaskDraft


def _is_candidate(user, task) -> bool:
    # The same rule claim_task applies: the task's bureau and one of its departments.
    return user.org_unit_id == task.org_unit_id and task.department_code in user.department_codes


def prefill_values(form_def, facts) -> dict:
    """The case facts a form asks for (same field names), so nothing typed on the start form is asked again."""
    values = {}
    for fd in form_def.editable_fields():
        value = (facts or {}).get(fd.name)
        if value is None or value == "" or value == []:
            continue
        if fd.type == "table":
            if not isinstance(value, list):
                continue
            columns = {c.name for c in fd.columns if not c.readonly}
            value = [{k: v for k, v in row.items() if k in columns} for row in value if isinstance(row, dict)]
        values[fd.name] = value
    return values


def prefill_draft(task, user, facts) -> bool:
    """Save the facts the task's form asks for as its draft (only when it has none); True when saved."""
    from app.formdefs.task_forms import TaskFormUnavailable, form_for_task

    if db.scalar(select(TaskDraft.id).where(TaskDraft.human_task_id == task.id)) is not None:
        return False
    try:
        form_def = form_for_task(task)
    except TaskFormUnavailable:
        return False
    values = prefill_values(form_def, facts)
    if not values:
        return False
    now = utcnow()
    db.add(TaskDraft(human_task_id=task.id, data=values, saved_by_id=user.id, saved_at=now))
    db.flush()
    record_event("task_draft_saved", case_id=task.case_id, instance_id=task.instance_id, human_task_id=task.id,
                 actor_id=user.id, summary=task.title, data={"prefilled": sorted(values)}, at=now)
    return True


def take_up_first_task(user, case) -> HumanTask | None:
    """After a case was started: prefill its open tasks from the case facts and claim the first one the
    starter may work on; that task (or None)."""
    from app.engine.tasks import claim_task

    rows = list(db.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready")
                           .order_by(HumanTask.id)))
    taken = None
    for row in rows:
        prefill_draft(row, user, case.facts)
        if taken is None and _is_candidate(user, row) and row.assignee_id in (None, user.id):
            taken = claim_task(row.id, user)
    return taken


def continue_with(user, task_ids) -> HumanTask | None:
    """The next task to open after a completion: one already the user's, else one of their department's
    pool (claimed for them); None when the next step is someone else's."""
    from app.engine.tasks import claim_task

    if not task_ids:
        return None
    rows = list(db.scalars(select(HumanTask).where(HumanTask.id.in_(task_ids), HumanTask.status == "ready")
                           .order_by(HumanTask.id)))
    for row in rows:
        if row.assignee_id == user.id:
            return row
    for row in rows:
        if row.assignee_id is None and _is_candidate(user, row):
            return claim_task(row.id, user)
    return None
