"""Keeps the human_task rows (the inbox) in step with the workflow's READY user tasks."""
import re
from datetime import UTC, datetime, time

from sqlalchemy import select

from app import signals
from app.audit.services import record_event
from app.auth.services import find_user, resolve_acting_unit
from app.clock import LOCAL_TZ
from app.engine import runtime
from app.engine.bpmn_meta import DUE_SHORTHAND
from app.engine.hooks import hook
from app.engine.models import HumanTask
from app.engine.rowwrite import close_tasks

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def due_from_value(value):
    """A due time from an expression result: a date means the end of that day in Beijing time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        text = str(value).strip()
        if ISO_DATE.match(text):
            day = datetime.fromisoformat(text).date()
            return datetime.combine(day, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)
        dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=LOCAL_TZ)
    return dt.astimezone(UTC)


def compute_due(rule, created_at, wf, task):
    """Due time of a new task from its dueRule: "15WD", "60D", "24H" or an expression."""
    if not rule:
        return None
    if DUE_SHORTHAND.match(rule):
        return hook("due_datetime")(created_at, rule.replace(" ", ""))
    return due_from_value(runtime.evaluate(wf, task, rule))


def sync_human_tasks(inst, wf, case_unit_id, meta, now, actor_id=None, rows=None, ready=None):
    """Create rows for new READY user tasks, cancel rows whose task vanished; return new rows.

    `rows`: the instance's open rows when the caller already read them under the lock; `ready`: the
    workflow's READY user tasks when the caller has them.
    """
    if rows is None:
        rows = db_open_rows(inst.id)
    open_rows = {r.task_uuid: r for r in rows if r.status == "ready"}
    ready = {str(t.id): t for t in (runtime.ready_user_tasks(wf) if ready is None else ready)}
    created = []
    for uuid, task in ready.items():
        if uuid in open_rows:
            continue
        created.append(_create_row(inst, wf, task, case_unit_id, meta, now, actor_id))
    vanished = [row for uuid, row in open_rows.items() if uuid not in ready]
    close_tasks([(row, "cancelled", now, None) for row in vanished])
    for row in vanished:
        record_event("task_cancelled", case_id=inst.case_id, instance_id=inst.id, human_task_id=row.id,
                     actor_id=actor_id, summary=row.title, at=now)
    return created


def announce_created(rows, at) -> None:
    """Tell the domains about new inbox rows (once they are flushed and have ids)."""
    for row in rows:
        signals.task_created.send(row, at=at)


def db_open_rows(instance_id):
    """The instance's inbox rows that are still open."""
    from app.db import db

    stmt = select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "ready")
    return list(db.scalars(stmt))


def task_properties(meta, task) -> dict:
    """Routing properties of a task, looked up in the process that owns it (call activities too)."""
    owner = getattr(task.workflow.spec, "name", "")
    called = meta.get("called", {}).get(owner)
    if called and task.task_spec.bpmn_id in called.get("user_tasks", {}):
        return called["user_tasks"][task.task_spec.bpmn_id]
    return meta.get("user_tasks", {}).get(task.task_spec.bpmn_id, {})


def _engaged_unit(task, props):
    """The outside institution a task goes to: `unitFrom` names the variable holding its code (the testing
    body engaged for a sampling task or a retest); None when unset, so the task stays with the bureau."""
    name = props.get("unitFrom")
    code = task.data.get(name) if name else None
    if not code or not isinstance(code, str):
        return None
    from app.auth.models import OrgUnit
    from app.db import db

    return db.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


def _create_row(inst, wf, task, case_unit, meta, now, actor_id):
    from app.db import db

    spec = task.task_spec
    props = task_properties(meta, task)
    level = props.get("orgLevel") or "case"
    row = HumanTask(
        instance_id=inst.id, case_id=inst.case_id, task_uuid=str(task.id), spec_name=spec.bpmn_id or spec.name,
        title=(spec.bpmn_name or props.get("name") or spec.bpmn_id or "")[:200],
        lane=(getattr(spec, "lane", None) or props.get("lane") or "")[:100],
        department_code=props.get("department", ""), org_level=level,
        org_unit_id=_engaged_unit(task, props) or resolve_acting_unit(case_unit, level),
        form_key=props.get("formKey", ""),
        priority=int(props.get("priority") or 50), due_rule=props.get("dueRule", "") or props.get("dueDate", ""),
        created_at=now, status="ready",
        # Every column is given, so the row is written as built (app.engine.rowwrite) with nothing to fill in.
        assignee_id=None, due_at=None, clock_paused_at=None, claimed_at=None, completed_at=None, completed_by_id=None,
    )
    assignee = props.get("assignee")
    if assignee:
        user = find_user(assignee)
        row.assignee_id = user.id if user else None
    try:
        if props.get("dueRule"):
            row.due_at = compute_due(props["dueRule"], now, wf, task)
        elif props.get("dueDate"):
            row.due_at = due_from_value(props["dueDate"])
    except (runtime.StepFailed, ValueError) as exc:
        # A broken due rule must not block the work itself; the problem is audited for admins.
        record_event("due_rule_failed", case_id=inst.case_id, instance_id=inst.id, actor_id=actor_id,
                     summary=row.title, data={"rule": row.due_rule, "error": str(exc)}, at=now)
    db.add(row)
    # Not flushed here: the audit row refers to the task row itself, so the step's flush writes all new
    # rows in one INSERT and then all audit rows in one INSERT.
    record_event("task_created", case_id=inst.case_id, instance_id=inst.id, human_task=row,
                 actor_id=actor_id, summary=row.title,
                 data={"department": row.department_code, "org_unit_id": row.org_unit_id,
                       "due_at": row.due_at.isoformat() if row.due_at else None}, at=now)
    return row
