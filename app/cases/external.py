"""Registering what arrives from outside on a case (objections, hearing requests, ...).

Who may register: a user whose bureau is the case's bureau or one above it (the case is in their
scope) AND who belongs to a department that holds or held a task of this case (a ready or
completed inbox row, in any bureau). The clerk who served the failed-result notice may log the
objection letter; the enforcement office of the same bureau, which never worked on that case, may not.
"""
from dataclasses import dataclass

from sqlalchemy import exists, select

from app.audit.services import record_event
from app.auth.services import is_in_scope
from app.cases import attachments as docs
from app.db import db
from app.engine import messages as engine_messages
from app.engine import service as engine
from app.engine.models import HumanTask
from app.errors import Forbidden, InvalidInput

# What a clerk registers, by message name; any other caught message is named by its BPMN element.
# Kept in Chinese (audit rows are written in Chinese); pages translate them with _().
MESSAGE_LABELS = {
    "objection": "异议申请",
    "hearing_request": "听证申请",
}


@dataclass(frozen=True)
class ExternalMessage:
    """A message the case's process can receive, ready for the case page."""

    name: str
    label: str
    element_name: str
    is_awaited: bool
    stored_count: int


@dataclass(frozen=True)
class RegisterResult:
    """What registering did: delivered to a waiting process now, or stored until it is ready."""

    name: str
    label: str
    is_delivered: bool


def label_of(name, element_name="") -> str:
    """The user's word for a message: our label, else the catching element's name."""
    return MESSAGE_LABELS.get(name) or element_name or name


def external_messages(case_id) -> list[ExternalMessage]:
    """The messages the case's running processes can receive, awaited ones first."""
    return [ExternalMessage(m.name, label_of(m.name, m.element_name), m.element_name, m.is_awaited,
                            m.stored_count) for m in engine_messages.catchable_messages(case_id)]


def may_register(user, case) -> bool:
    """True when the user may register outside events on this case (see the module docstring)."""
    if not user or not user.is_active or not is_in_scope(user, case.org_unit_id):
        return False
    departments = list(user.department_codes)
    if not departments:
        return False
    held = exists().where(HumanTask.case_id == case.id, HumanTask.status.in_(("ready", "completed")),
                          HumanTask.department_code.in_(departments))
    return bool(db.scalar(select(held)))


def register_external_event(case, user, *, message, received_date, note, attachment_ids=()) -> RegisterResult:
    """Hand an outside event to the case's process (or store it until a catch event waits); audited."""
    if not may_register(user, case):
        raise Forbidden("只有承办过本案环节的科室人员可以登记外部事项")
    known = {m.name: m for m in engine_messages.catchable_messages(case.id)}
    if message not in known:
        raise InvalidInput("本案流程不接收该外部事项", field="message")
    ids = sorted({int(i) for i in attachment_ids})
    if docs.ids_outside_case(case.id, ids):
        raise InvalidInput("所选附件不属于本案", field="attachment_ids")
    label = label_of(message, known[message].element_name)
    payload = {"received_date": received_date.isoformat(), "note": note.strip(), "registered_by": user.id,
               "attachment_ids": ids}
    # Our own row names the clerk and what came in, in words; the engine adds received/stored/delivered.
    record_event("external_event_registered", case_id=case.id, actor_id=user.id,
                 summary=f"{label}（{payload['received_date']}）：{payload['note']}",
                 data={"message": message, **payload})
    result = engine.send_message(case.id, message, payload, user_id=user.id)
    return RegisterResult(message, label, result is not None)
