"""What a process waits for besides human work: a window that ends at a time (异议期满) and/or a message
from outside that ends it early (收到异议及复检申请), read from the stored workflow state."""
from dataclasses import dataclass

from sqlalchemy import select

from app.db import db
from app.engine import runtime
from app.engine.messages import message_title
from app.engine.models import ProcessInstance
from app.engine.serializer import state_to_workflow

WAITING_STATUSES = ("running", "waiting", "suspended")


@dataclass(frozen=True)
class Wait:
    """One waiting element of an instance, in plain values."""

    instance_id: int
    title: str  # the element's name in the BPMN (等待异议, 公告后第60日)
    until: object | None  # UTC datetime the timer fires, when there is one
    messages: tuple  # what the process calls the messages that end the wait


def _is_boundary(task) -> bool:
    # A timer on a user task (复查期限届满) is that task's deadline, not a state the case waits in.
    return "Boundary" in type(task.task_spec).__name__


def instance_waits(inst) -> list[Wait]:
    """The waits of one instance, earliest deadline first (none when it has ended)."""
    if inst.status not in WAITING_STATUSES:
        return []
    d = inst.definition
    wf = state_to_workflow(inst.state, (d.id, d.sha256), lambda: d.spec_json, d.dialect)
    found = []
    for task in list(wf.event_manager.tasks.values()):
        if _is_boundary(task):
            continue
        definition = task.task_spec.event_definition
        inner = getattr(definition, "event_definitions", None)
        until, messages = None, []
        for ev in (inner if inner is not None else [definition]):
            kind = type(ev).__name__
            if kind in runtime.TIMER_TYPES:
                until = runtime.parse_event_time(task._get_internal_data("event_value"))
            elif kind == "MessageEventDefinition":
                messages.append(message_title(d, ev.name))
        if until is None and not messages:
            continue
        title = task.task_spec.bpmn_name or (messages[0] if messages else "") or task.task_spec.bpmn_id or ""
        found.append(Wait(inst.id, title, until, tuple(messages)))
    found.sort(key=lambda w: (w.until is None, w.until or 0))
    return found


def case_waits(case_id) -> list[Wait]:
    """The waits of a case's unfinished instances."""
    stmt = (select(ProcessInstance).where(ProcessInstance.case_id == case_id,
                                          ProcessInstance.status.in_(WAITING_STATUSES))
            .order_by(ProcessInstance.id))
    return [w for inst in db.scalars(stmt) for w in instance_waits(inst)]


def waits_of_instance_id(instance_id) -> list[Wait]:
    """The waits of one instance by id."""
    inst = db.get(ProcessInstance, instance_id)
    return instance_waits(inst) if inst is not None else []
