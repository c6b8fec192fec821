"""Process instances: start, complete, messages, timers, suspend/resume/cancel, retry.

Every public function locks the instance, acts, and persists state, inbox rows, next timer and
audit rows in the caller's transaction (it flushes; the boundary commits).
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import signals
from app.audit.services import record_event
from app.auth.services import can_work_on
from app.db import db, is_postgres, utcnow
from app.engine import runtime
from app.engine.deploy import latest_definition
from app.engine.models import HumanTask, PendingMessage, ProcessInstance
from app.engine.serializer import new_workflow, state_to_workflow, workflow_to_state
from app.engine.tasksync import sync_human_tasks
from app.errors import Conflict, Forbidden, NotFound

ACTIVE = ("running", "waiting")


@dataclass
class StepResult:
    """What an engine call did, in plain values."""

    instance_id: int
    status: str
    case_id: int | None
    new_task_ids: list = field(default_factory=list)
    error: str = ""
    error_element: str = ""


def _case(case_id):
    from app.cases.models import Case

    return db.get(Case, case_id) if case_id else None


def lock_instance(instance_id) -> ProcessInstance:
    """Load an instance for change: row lock on PostgreSQL; the version column guards everywhere."""
    stmt = (select(ProcessInstance).where(ProcessInstance.id == instance_id)
            .execution_options(populate_existing=True))
    if is_postgres():
        stmt = stmt.with_for_update(of=ProcessInstance)
    inst = db.scalar(stmt)
    if inst is None:
        raise NotFound("流程实例不存在", instance_id=instance_id)
    return inst


def _load(inst):
    d = inst.definition
    return state_to_workflow(inst.state, (d.id, d.sha256), lambda: d.spec_json, d.dialect)


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
    return _run_and_save(inst, wf, user_id, lambda: runtime.run_guarded(runtime.advance, wf))


def complete_task(human_task_id, user, data, *, expected_instance_version=None) -> StepResult:
    """Complete a READY inbox task with (already validated) form data, as `user`."""
    row = db.get(HumanTask, human_task_id)
    if row is None:
        raise NotFound("任务不存在", task_id=human_task_id)
    inst = lock_instance(row.instance_id)
    if expected_instance_version is not None and inst.version != expected_instance_version:
        raise Conflict("流程已被他人更新，请刷新后重试")
    db.refresh(row)
    if row.status != "ready":
        raise Conflict("该任务已被处理", task_id=row.id, status=row.status)
    if not can_work_on(user, row.department_code, row.org_unit_id, row.assignee_id):
        raise Forbidden("您无权办理该任务")
    _require_status(inst, ACTIVE)
    wf = _load(inst)
    task = runtime.get_task(wf, row.task_uuid)
    now = utcnow()
    row.status, row.completed_at, row.completed_by_id = "completed", now, user.id
    record_event("task_completed", case_id=inst.case_id, instance_id=inst.id, human_task_id=row.id,
                 actor_id=user.id, summary=row.title, data={"form_key": row.form_key, "data": data}, at=now)
    if inst.case_id is not None:
        signals.task_completed.send(inst.case_id, form_key=row.form_key, spec_name=row.spec_name, data=data,
                                    task_id=row.id, user_id=user.id, at=now)
    return _run_and_save(inst, wf, user.id, lambda: runtime.complete(wf, task, data))


def send_message(case_id, name, payload=None, user_id=None) -> StepResult | None:
    """Deliver a message to the case's instance waiting for it, or keep it until one waits."""
    from app.engine.messages import message_title

    instances = _active_instances(case_id)
    for inst in instances:
        inst = lock_instance(inst.id)
        wf = _load(inst)
        if name in runtime.waiting_message_names(wf):
            # The timeline shows what the process calls the message (收到异议申请), the name stays in data.
            record_event("message_received", case_id=case_id, instance_id=inst.id, actor_id=user_id,
                         summary=message_title(inst.definition, name), data={"name": name, "payload": payload or {}})
            return _run_and_save(inst, wf, user_id, lambda wf=wf, inst=inst: runtime.deliver_message(
                wf, name, payload, inst.definition.dialect))
    db.add(PendingMessage(case_id=case_id, name=name, payload=payload or {}, received_at=utcnow()))
    title = message_title(instances[0].definition if instances else None, name)
    record_event("message_stored", case_id=case_id, actor_id=user_id, summary=title,
                 data={"name": name, "payload": payload or {}})
    return None


def fire_timers(instance_id) -> StepResult | None:
    """Fire the instance's due timers; harmless when nothing is due or it already fired."""
    inst = lock_instance(instance_id)
    if inst.status not in ACTIVE:
        return None
    now = utcnow()
    if inst.next_timer_at is None or inst.next_timer_at > now:
        return None
    wf = _load(inst)
    due = [name for name, at in runtime.waiting_timers(wf) if at is not None and at <= now]
    record_event("timer_fired", case_id=inst.case_id, instance_id=inst.id, summary=",".join(due)[:300], at=now)
    return _run_and_save(inst, wf, None, lambda: runtime.run_guarded(runtime.advance, wf))


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
    _require_status(inst, ACTIVE + ("error",))
    return _set_status(inst, "suspended", "instance_suspended", user_id, reason, previous=inst.status)


def resume_instance(instance_id, user_id, reason="") -> StepResult:
    """Resume a suspended instance and run anything that became due meanwhile."""
    inst = lock_instance(instance_id)
    _require_status(inst, ("suspended",))
    wf = _load(inst)
    record_event("instance_resumed", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id, summary=reason)
    inst.status = "running"
    return _run_and_save(inst, wf, user_id, lambda: runtime.run_guarded(runtime.advance, wf))


def cancel_instance(instance_id, user_id, reason) -> StepResult:
    """Cancel with a reason; open tasks are withdrawn."""
    inst = lock_instance(instance_id)
    _require_status(inst, ACTIVE + ("suspended", "error"))
    wf = _load(inst)
    wf.cancel()
    now = utcnow()
    inst.state = workflow_to_state(wf, inst.definition.dialect)
    for row in db.scalars(select(HumanTask).where(HumanTask.instance_id == inst.id, HumanTask.status == "ready")):
        row.status, row.completed_at = "cancelled", now
        record_event("task_cancelled", case_id=inst.case_id, instance_id=inst.id, human_task_id=row.id,
                     actor_id=user_id, summary=row.title, at=now)
    inst.next_timer_at, inst.ended_at = None, now
    result = _set_status(inst, "cancelled", "instance_cancelled", user_id, reason)
    _on_instance_ended(inst, "cancelled", now)
    return result


def retry_instance(instance_id, user_id, data=None) -> StepResult:
    """Re-run the failed step of an instance in error (after the data or definition was fixed)."""
    inst = lock_instance(instance_id)
    _require_status(inst, ("error",))
    wf = _load(inst)
    record_event("instance_retried", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                 data={"data": data or {}})
    inst.error_type = inst.error_message = inst.error_element = ""
    inst.error_at = None
    return _run_and_save(inst, wf, user_id, lambda: runtime.retry(wf, data))


def _require_status(inst, allowed):
    if inst.status not in allowed:
        labels = {"suspended": "已挂起", "error": "出错", "completed": "已办结", "cancelled": "已撤销",
                  "running": "运行中", "waiting": "等待中"}
        raise Conflict(f"流程实例当前状态为“{labels.get(inst.status, inst.status)}”，不能执行此操作",
                       status=inst.status)


def _set_status(inst, status, event_type, user_id, reason, **data):
    inst.status, inst.updated_at = status, utcnow()
    record_event(event_type, case_id=inst.case_id, instance_id=inst.id, actor_id=user_id, summary=reason or "",
                 data=data)
    _flush()
    return StepResult(inst.id, inst.status, inst.case_id)


def _active_instances(case_id):
    stmt = (select(ProcessInstance).where(ProcessInstance.case_id == case_id, ProcessInstance.status.in_(ACTIVE))
            .order_by(ProcessInstance.id))
    return list(db.scalars(stmt))


def _run_and_save(inst, wf, user_id, action) -> StepResult:
    """Run `action`, deliver stored messages now awaited, then persist everything."""
    error = None
    try:
        action()
        _deliver_pending(inst, wf, user_id)
    except runtime.StepFailed as exc:
        error = exc
    return _save(inst, wf, user_id, error)


def _deliver_pending(inst, wf, user_id):
    if inst.case_id is None:
        return
    while True:
        waiting = runtime.waiting_message_names(wf)
        if not waiting:
            return  # nothing waits for a message: no stored one can be delivered
        stmt = (select(PendingMessage).where(PendingMessage.case_id == inst.case_id,
                                             PendingMessage.delivered_at.is_(None),
                                             PendingMessage.name.in_(waiting))
                .order_by(PendingMessage.id).limit(1))
        msg = db.scalar(stmt)
        if msg is None:
            return
        msg.delivered_at, msg.instance_id = utcnow(), inst.id
        from app.engine.messages import message_title

        record_event("message_delivered", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     summary=message_title(inst.definition, msg.name), data={"name": msg.name, "payload": msg.payload})
        runtime.deliver_message(wf, msg.name, msg.payload, inst.definition.dialect)


def _save(inst, wf, user_id, error) -> StepResult:
    now = utcnow()
    # Drain thrown messages before serializing: left in the state they would be re-sent on every save.
    outgoing = wf.get_events()
    inst.state = workflow_to_state(wf, inst.definition.dialect)
    inst.updated_at = now
    # Every instance column is set before the inbox sync's queries autoflush, so it is one UPDATE.
    previous = inst.status
    if error is not None:
        inst.status, inst.error_type, inst.error_message = "error", error.error_type[:60], error.message
        inst.error_element, inst.error_at = error.element[:100], now
        inst.next_timer_at = None
    else:
        inst.status = runtime.status_of(wf)
        inst.next_timer_at = runtime.next_timer_at(wf)
        if inst.status == "completed" and previous != "completed":
            inst.ended_at = now
    case = _case(inst.case_id)
    created = sync_human_tasks(inst, wf, case, inst.definition.meta, now, user_id)
    _dispatch_outgoing(inst, outgoing, user_id)
    if error is not None:
        record_event("instance_error", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     summary=error.element, data={"type": error.error_type, "message": error.message}, at=now)
    elif inst.status == "completed" and previous != "completed":
        record_event("instance_completed", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id, at=now)
        _on_instance_ended(inst, "completed", now)
    _flush()
    return StepResult(inst.id, inst.status, inst.case_id, [r.id for r in created],
                      error.message if error else "", error.element if error else "")


def _dispatch_outgoing(inst, events, user_id):
    """Messages thrown to the outside: `start:<process_key>` opens a follow-up case."""
    from app.engine.outbox import dispatch

    for event in events:
        name = getattr(event.event_definition, "name", "")
        dispatch(inst, name, event.payload, user_id)


def _on_instance_ended(inst, outcome, now):
    from app.cases.services import on_process_ended

    if inst.case_id is not None:
        on_process_ended(inst.case_id, inst.definition.key, outcome, now)


def _flush():
    try:
        db.flush()
    except StaleDataError as exc:
        raise Conflict("流程已被他人同时更新，请刷新后重试") from exc
