"""Process instances: start, complete, messages, timers, suspend/resume/cancel, retry.

Every public function works through app.engine.operation (lock -> load -> act -> save) in the caller's
transaction: it flushes; the boundary commits.
"""
from sqlalchemy import select

from app import signals
from app.audit.services import record_event
from app.auth.services import can_work_on
from app.db import db, is_postgres, utcnow
from app.engine import runtime
from app.engine.deploy import latest_definition
from app.engine.lockread import lock_instance_of_task
from app.engine.models import PendingMessage, ProcessInstance
from app.engine.operation import (
    ACTIVE,
    MESSAGES_STORED,
    Operation,
    StepResult,
    announce_end,
    flush,
    load_workflow,
    lock_instance,
    open_rows,
    operate,
    require_status,
    save,
)
from app.engine.rowwrite import close_tasks
from app.engine.serializer import new_workflow, workflow_to_state
from app.errors import Conflict, Forbidden, NotFound

__all__ = ["ACTIVE", "StepResult", "cancel_instance", "complete_task", "due_timer_instance_ids", "fire_timers",
           "lock_instance", "resume_instance", "retry_instance", "send_message", "start_instance",
           "suspend_instance"]


def start_instance(process_key, case_id=None, data=None, user_id=None) -> StepResult:
    """Start the latest version of a process for a case and run it to the first wait."""
    definition = latest_definition(process_key)
    if definition is None:
        raise NotFound(f"流程 {process_key} 尚未部署", process_key=process_key)
    wf = new_workflow((definition.id, definition.sha256), lambda: definition.spec_json, definition.dialect)
    for task in wf.get_tasks(state=runtime.TaskState.READY):
        task.data.update(data or {})
    now = utcnow()
    inst = ProcessInstance(definition_id=definition.id, case_id=case_id, status="running", state={},
                           started_by_id=user_id, started_at=now, updated_at=now)
    inst.definition = definition
    db.add(inst)
    db.flush()
    record_event("instance_started", case_id=case_id, instance_id=inst.id, actor_id=user_id,
                 summary=f"{definition.name} v{definition.version}", at=now)
    op = Operation(inst, wf, user_id, open_rows=[])
    op.run(lambda: runtime.run_guarded(runtime.advance, wf))
    return save(op)


def complete_task(human_task_id, user, data, *, expected_instance_version=None) -> StepResult:
    """Complete a READY inbox task with (already validated) form data, as `user`.

    The instance is locked first; the task row is then read once, with the instance's other open rows,
    and the user's right is checked once, under the lock.
    """
    locked = lock_instance_of_task(human_task_id)
    inst, rows = locked.inst, locked.rows
    if expected_instance_version is not None and inst.version != expected_instance_version:
        raise Conflict("流程已被他人更新，请刷新后重试")
    row = next((r for r in rows if r.id == human_task_id), None)
    if row is None:
        raise Conflict("该任务已被处理", task_id=human_task_id)
    if not can_work_on(user, row.department_code, row.org_unit_id, row.assignee_id):
        raise Forbidden("您无权办理该任务")
    with operate(inst=inst, user_id=user.id, rows=rows, state_text=locked.state_text) as op:
        op.held, op.may_have_messages = locked.companions, locked.may_have_messages
        task = runtime.get_task(op.wf, row.task_uuid)
        now = utcnow()
        close_tasks([(row, "completed", now, user.id)])
        record_event("task_completed", case_id=inst.case_id, instance_id=inst.id, human_task_id=row.id,
                     actor_id=user.id, summary=row.title, data={"form_key": row.form_key, "data": data}, at=now)
        if inst.case_id is not None:
            # The receivers' statements need none of the changes above: left pending, those are written
            # with the rest of the step in one flush (one INSERT for all of its audit rows).
            with db.no_autoflush:
                signals.task_completed.send(inst.case_id, form_key=row.form_key, spec_name=row.spec_name,
                                            data=data, task_id=row.id, user_id=user.id, at=now,
                                            lock_flags=locked.flags)
        op.run(lambda: runtime.complete(op.wf, task, data))
    return op.result


def send_message(case_id, name, payload=None, user_id=None) -> StepResult | None:
    """Deliver a message to the case's instance waiting for it, or keep it until one waits."""
    from app.engine.messages import message_title

    instances = _active_instances(case_id)
    for candidate in instances:
        with operate(candidate.id, user_id=user_id) as op:
            if name not in runtime.waiting_message_names(op.wf):
                op.discard()  # this instance does not wait for it: try the next one
                continue
            # The timeline shows what the process calls the message (收到异议申请), the name stays in data.
            record_event("message_received", case_id=case_id, instance_id=op.inst.id, actor_id=user_id,
                         summary=message_title(op.inst.definition, name), data={"name": name, "payload": payload or {}})
            op.run(lambda op=op: runtime.deliver_message(op.wf, name, payload, op.inst.definition.dialect))
        if op.result is not None:
            return op.result
    db.add(PendingMessage(case_id=case_id, name=name, payload=payload or {}, received_at=utcnow()))
    db().info.setdefault(MESSAGES_STORED, set()).add(case_id)
    title = message_title(instances[0].definition if instances else None, name)
    record_event("message_stored", case_id=case_id, actor_id=user_id, summary=title,
                 data={"name": name, "payload": payload or {}})
    return None


def fire_timers(instance_id) -> StepResult | None:
    """Fire the instance's due timers; harmless when nothing is due or it already fired."""
    inst = lock_instance(instance_id)
    now = utcnow()
    if inst.status not in ACTIVE or inst.next_timer_at is None or inst.next_timer_at > now:
        return None
    with operate(inst=inst) as op:
        due = [name for name, at in runtime.waiting_timers(op.wf) if at is not None and at <= now]
        record_event("timer_fired", case_id=inst.case_id, instance_id=inst.id, summary=",".join(due)[:300], at=now)
        op.run(lambda: runtime.run_guarded(runtime.advance, op.wf))
    return op.result


def due_timer_instance_ids(now, limit=100) -> list[int]:
    """Instances whose next timer is due; on PostgreSQL rows another worker holds are skipped."""
    stmt = (select(ProcessInstance.id)
            .where(ProcessInstance.next_timer_at <= now, ProcessInstance.status.in_(ACTIVE))
            .order_by(ProcessInstance.next_timer_at).limit(limit))
    if is_postgres():
        stmt = stmt.with_for_update(skip_locked=True)
    return list(db.scalars(stmt))


def suspend_instance(instance_id, user_id, reason="") -> StepResult:
    """Suspend: no task can be completed and no timer fires until resumed."""
    inst = lock_instance(instance_id)
    require_status(inst, ACTIVE + ("error",))
    return _set_status(inst, "suspended", "instance_suspended", user_id, reason, previous=inst.status)


def resume_instance(instance_id, user_id, reason="") -> StepResult:
    """Resume a suspended instance and run anything that became due meanwhile."""
    with operate(instance_id, allowed=("suspended",), user_id=user_id) as op:
        record_event("instance_resumed", case_id=op.inst.case_id, instance_id=op.inst.id, actor_id=user_id,
                     summary=reason)
        op.inst.status = "running"
        op.run(lambda: runtime.run_guarded(runtime.advance, op.wf))
    return op.result


def cancel_instance(instance_id, user_id, reason) -> StepResult:
    """Cancel with a reason; open tasks are withdrawn."""
    inst = lock_instance(instance_id)
    require_status(inst, ACTIVE + ("suspended", "error"))
    wf = load_workflow(inst)
    wf.cancel()
    now = utcnow()
    inst.state = workflow_to_state(wf, inst.definition.dialect)
    for row in open_rows(inst.id):
        row.status, row.completed_at = "cancelled", now
        record_event("task_cancelled", case_id=inst.case_id, instance_id=inst.id, human_task_id=row.id,
                     actor_id=user_id, summary=row.title, at=now)
    inst.next_timer_at, inst.ended_at = None, now
    result = _set_status(inst, "cancelled", "instance_cancelled", user_id, reason)
    announce_end(inst, "cancelled", now)
    return result


def retry_instance(instance_id, user_id, data=None) -> StepResult:
    """Re-run the failed step of an instance in error (after the data or definition was fixed)."""
    with operate(instance_id, allowed=("error",), user_id=user_id) as op:
        inst = op.inst
        record_event("instance_retried", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     data={"data": data or {}})
        inst.error_type = inst.error_message = inst.error_element = ""
        inst.error_at = None
        op.run(lambda: runtime.retry(op.wf, data))
    return op.result


def _set_status(inst, status, event_type, user_id, reason, **data):
    inst.status, inst.updated_at = status, utcnow()
    record_event(event_type, case_id=inst.case_id, instance_id=inst.id, actor_id=user_id, summary=reason or "",
                 data=data)
    flush()
    return StepResult(inst.id, inst.status, inst.case_id)


def _active_instances(case_id):
    stmt = (select(ProcessInstance).where(ProcessInstance.case_id == case_id, ProcessInstance.status.in_(ACTIVE))
            .order_by(ProcessInstance.id))
    return list(db.scalars(stmt))
