"""One operation on one process instance: lock -> load -> act -> save, in the caller's transaction.

Every change to an instance goes through `operate()` (or `save()` for a new instance):

    with operate(instance_id, allowed=ACTIVE, user_id=user.id) as op:
        op.run(lambda: runtime.advance(op.wf))
    return op.result

Saving writes the state, the inbox rows, the next timer due time and the audit rows, then flushes;
the caller's boundary commits.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from sqlalchemy import inspect, select
from sqlalchemy.orm.exc import StaleDataError

from app import signals
from app.audit.services import record_event
from app.db import db, is_postgres, utcnow
from app.engine import runtime
from app.engine.hooks import hook
from app.engine.models import HumanTask, PendingMessage, ProcessInstance
from app.engine.rowwrite import insert_events, insert_tasks, pending_events, take_out, write_instance
from app.engine.serializer import definition_meta, state_to_workflow, workflow_to_state
from app.engine.tasksync import announce_created, sync_human_tasks
from app.engine.wfcache import WORKFLOW_CACHE
from app.errors import Conflict, NotFound

ACTIVE = ("running", "waiting")
MESSAGES_STORED = "engine_messages_stored"  # session.info key: ids of the cases a message was stored for
STATUS_LABELS = {"suspended": "已挂起", "error": "出错", "completed": "已办结", "cancelled": "已撤销",
                 "running": "运行中", "waiting": "等待中"}


@dataclass
class StepResult:
    """What an engine call did, in plain values."""

    instance_id: int
    status: str
    case_id: int | None
    new_task_ids: list = field(default_factory=list)
    error: str = ""
    error_element: str = ""


@dataclass
class Operation:
    """A locked instance, its restored workflow, and (after the block) the saved result."""

    inst: ProcessInstance
    wf: object
    user_id: int | None
    open_rows: list | None = None  # the instance's open inbox rows, when the caller already read them
    error: runtime.StepFailed | None = None
    result: StepResult | None = None
    is_discarded: bool = False
    held: list = field(default_factory=list)  # rows read with the lock, kept in the identity map meanwhile
    # False when the lock's read showed the case holds no undelivered message (nothing to look up after a step).
    may_have_messages: bool = True
    # Audit rows the caller recorded before the operation: left to the ORM (the caller may read their ids).
    events_before: set = field(default_factory=lambda: set(pending_events()))

    def discard(self) -> None:
        """Leave the instance as it was: nothing is saved when the block ends."""
        self.is_discarded = True

    def run(self, action) -> None:
        """Run an engine action, then deliver stored messages now awaited; a library error is kept
        (the instance goes to status error, the user's work stays)."""
        try:
            action()
            deliver_pending(self)
        except runtime.StepFailed as exc:
            self.error = exc


def _locked(stmt):
    stmt = stmt.execution_options(populate_existing=True)
    if is_postgres():
        stmt = stmt.with_for_update(of=ProcessInstance)
    return db.scalar(stmt)


def lock_instance(instance_id) -> ProcessInstance:
    """Load an instance for change: row lock on PostgreSQL; the version column guards everywhere."""
    inst = _locked(select(ProcessInstance).where(ProcessInstance.id == instance_id))
    if inst is None:
        raise NotFound("流程实例不存在", instance_id=instance_id)
    return inst


def open_rows(instance_id) -> list[HumanTask]:
    """The instance's open inbox rows, read fresh (under the instance lock)."""
    stmt = (select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "ready")
            .execution_options(populate_existing=True))
    return list(db.scalars(stmt))


def require_status(inst, allowed) -> None:
    """Conflict (in Chinese) unless the instance is in one of the allowed statuses."""
    if inst.status not in allowed:
        raise Conflict(f"流程实例当前状态为“{STATUS_LABELS.get(inst.status, inst.status)}”，不能执行此操作",
                       status=inst.status)


def load_workflow(inst):
    """Restore the instance's workflow from its state and its definition's cached spec."""
    d = inst.definition
    return state_to_workflow(inst.state, (d.id, d.sha256), lambda: d.spec_json, d.dialect)


@contextmanager
def operate(instance_id=None, *, inst=None, allowed=ACTIVE, user_id=None, rows=None,
            state_text=None) -> Iterator[Operation]:
    """Lock (unless `inst` is already locked), check the status, restore; save when the block ends.

    `state_text`: the stored state as read under the lock; then a workflow this worker kept from its
    last committed save of exactly that state is used instead of restoring it.
    """
    inst = inst if inst is not None else lock_instance(instance_id)
    require_status(inst, allowed)
    if state_text is None:
        wf = load_workflow(inst)
    else:
        wf = WORKFLOW_CACHE.take(inst, state_text)
        if wf is None:
            d = inst.definition
            wf = state_to_workflow(state_text, (d.id, d.sha256), lambda: d.spec_json, d.dialect)
    op = Operation(inst, wf, user_id, open_rows=rows)
    yield op
    if not op.is_discarded:
        op.result = save(op)


def deliver_pending(op: Operation) -> None:
    """Deliver stored messages (arrived before anything waited) that the workflow now awaits."""
    from app.engine.messages import message_title

    inst, wf = op.inst, op.wf
    if inst.case_id is None:
        return
    if not op.may_have_messages and inst.case_id not in db().info.get(MESSAGES_STORED, ()):
        return  # none was waiting when the instance was locked, and none was stored since
    if any(isinstance(obj, PendingMessage) for obj in db.new):
        flush()  # a message stored earlier in this transaction must be found below
    delivered = []
    while True:
        waiting = runtime.waiting_message_names(wf)
        if not waiting:
            return  # nothing waits for a message: no stored one can be delivered
        stmt = (select(PendingMessage).where(PendingMessage.case_id == inst.case_id,
                                             PendingMessage.delivered_at.is_(None),
                                             PendingMessage.name.in_(waiting), PendingMessage.id.not_in(delivered))
                .order_by(PendingMessage.id).limit(1))
        # The step's changes stay pending (written in one flush); the ones delivered here are left out.
        with db.no_autoflush:
            msg = db.scalar(stmt)
        if msg is None:
            return
        delivered.append(msg.id)
        msg.delivered_at, msg.instance_id = utcnow(), inst.id
        record_event("message_delivered", case_id=inst.case_id, instance_id=inst.id, actor_id=op.user_id,
                     summary=message_title(inst.definition, msg.name), data={"name": msg.name, "payload": msg.payload})
        runtime.deliver_message(wf, msg.name, msg.payload, inst.definition.dialect)


def save(op: Operation) -> StepResult:
    """Persist state, status, next timer, inbox rows and audit rows; tell the domains what ended."""
    inst, wf, error, user_id = op.inst, op.wf, op.error, op.user_id
    now = utcnow()
    # Drain thrown messages before serializing: left in the state they would be re-sent on every save.
    outgoing = wf.get_events()
    values = {"state": workflow_to_state(wf, inst.definition.dialect), "updated_at": now}
    previous = inst.status
    ready = runtime.ready_user_tasks(wf)
    if error is not None:
        values.update(status="error", error_type=error.error_type[:60], error_message=error.message,
                      error_element=error.element[:100], error_at=now, next_timer_at=None)
    else:
        values.update(status=runtime.status_of(wf, ready), next_timer_at=runtime.next_timer_at(wf))
        if values["status"] == "completed" and previous != "completed":
            values["ended_at"] = now
    with db.no_autoflush:
        write_instance(inst, values)
    case_unit_id = hook("case_unit_id")(inst.case_id) if inst.case_id is not None else None
    created = sync_human_tasks(inst, wf, case_unit_id, definition_meta(inst.definition), now, user_id,
                               op.open_rows, ready)
    _dispatch_outgoing(inst, outgoing, user_id)
    if error is not None:
        record_event("instance_error", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     summary=error.element, data={"type": error.error_type, "message": error.message}, at=now)
    elif inst.status == "completed" and previous != "completed":
        record_event("instance_completed", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id, at=now)
        announce_end(inst, "completed", now)
    # The step's inbox and audit rows are written with plain statements, after the ORM has written what
    # they may refer to (a follow-up case, the facts).
    events = [e for e in pending_events() if e not in op.events_before]
    rows = [row for row in created if not inspect(row).has_identity]  # a nested step's flush may have written some
    take_out(rows + events)
    flush()
    insert_tasks(rows)
    insert_events(events)
    if created:
        announce_created(created, now)  # receivers read the new rows' ids
        flush()
    if error is None:
        WORKFLOW_CACHE.keep_after_commit(inst, inst.state.text, wf)
    return StepResult(inst.id, inst.status, inst.case_id, [r.id for r in created],
                      error.message if error else "", error.element if error else "")


def _dispatch_outgoing(inst, events, user_id):
    """Messages thrown to the outside: `start:<process_key>` asks for a follow-up case."""
    from app.engine.outbox import dispatch

    for event in events:
        # A signal is a broadcast inside the process (e.g. a passing retest withdrawing the other tracks'
        # work): one nothing caught any more is lost, as in BPMN, not stored as a message for the case.
        if isinstance(event.event_definition, SignalEventDefinition):
            continue
        name = getattr(event.event_definition, "name", "")
        dispatch(inst, name, event.payload, user_id)


def announce_end(inst, outcome, now) -> None:
    """Tell the domains an instance ended (the cases domain closes or cancels its case)."""
    if inst.case_id is not None:
        signals.instance_ended.send(inst.case_id, process_key=inst.definition.key, outcome=outcome, at=now)


def flush() -> None:
    """Flush; a concurrent update of the same instance becomes a Conflict (HTTP 409)."""
    try:
        db.flush()
    except StaleDataError as exc:
        raise Conflict("流程已被他人同时更新，请刷新后重试") from exc
