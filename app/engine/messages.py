"""What a case's running processes can receive from outside (objections, hearing requests, ...)."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app.db import db
from app.engine import runtime
from app.engine.bpmn_meta import BPMN_NS, message_catches
from app.engine.deploy import latest_definition
from app.engine.models import PendingMessage, ProcessInstance
from app.engine.serializer import definition_meta, state_to_workflow
from app.engine.xmlsafe import parse_untrusted_xml

DELIVERABLE = ("running", "waiting")
# A suspended instance still holds its catch events: a message registered now is stored and
# delivered when the instance is resumed.
LISTED = DELIVERABLE + ("suspended",)


@dataclass(frozen=True)
class CatchableMessage:
    """One message name a case's process can catch, as plain values."""

    name: str
    element_name: str  # the catching element's name in the BPMN (e.g. 收到异议及复检申请)
    process_key: str
    is_awaited: bool  # a catch event waits for it right now: registering delivers it at once
    stored_count: int  # registered earlier and kept until the process is ready


_catch_cache: dict = {}


def _xml_catches(definition) -> list:
    # Definitions deployed before "catches" was part of the meta: read their stored XML once.
    key = (definition.id, definition.sha256)
    if key not in _catch_cache:
        root = parse_untrusted_xml(definition.xml.encode("utf-8"), definition.filename or "stored.bpmn",
                                   max_bytes=len(definition.xml.encode("utf-8")) + 1)
        found = {p.get("id"): message_catches(p) for p in root.iter(f"{{{BPMN_NS}}}process")}
        _catch_cache[key] = found
    return _catch_cache[key]


def _definition_catches(definition) -> list:
    """Catches of the process and every process it calls (tasks inside call activities are its own)."""
    meta = definition_meta(definition) or {}
    if "catches" in meta:
        found = list(meta["catches"])
        for called in (meta.get("called") or {}).values():
            found.extend(called.get("catches", []))
        return found
    by_process = _xml_catches(definition)
    found = list(by_process.get(definition.key, []))
    for key in meta.get("called_processes", []):
        if key in by_process:
            found.extend(by_process[key])
            continue
        other = latest_definition(key)
        if other is not None:
            found.extend((other.meta or {}).get("catches") or _xml_catches(other).get(key, []))
    return found


def _stored_counts(case_id) -> dict:
    stmt = (select(PendingMessage.name, func.count()).where(PendingMessage.case_id == case_id,
                                                             PendingMessage.delivered_at.is_(None))
            .group_by(PendingMessage.name))
    return dict(db.execute(stmt).all())


def _awaited(inst) -> set:
    if inst.status not in DELIVERABLE:
        return set()
    d = inst.definition
    wf = state_to_workflow(inst.state, (d.id, d.sha256), lambda: d.spec_json, d.dialect)
    return runtime.waiting_message_names(wf)


def catchable_messages(case_id) -> list[CatchableMessage]:
    """Messages the case's active instances can catch, awaited ones first, each name once."""
    stmt = (select(ProcessInstance).where(ProcessInstance.case_id == case_id, ProcessInstance.status.in_(LISTED))
            .order_by(ProcessInstance.id))
    stored = _stored_counts(case_id)
    seen, result = set(), []
    for inst in db.scalars(stmt):
        waiting = _awaited(inst)
        catches = _definition_catches(inst.definition)
        # The element now waiting names the message best (a name may be caught in several places).
        catches.sort(key=lambda c: c["message"] not in waiting)
        for c in catches:
            if c["message"] in seen:
                continue
            seen.add(c["message"])
            result.append(CatchableMessage(c["message"], c["element_name"], inst.definition.key,
                                           c["message"] in waiting, stored.get(c["message"], 0)))
    result.sort(key=lambda m: not m.is_awaited)
    return result


def message_title(definition, name) -> str:
    """What the process calls a message (the catching element's name, e.g. 收到异议申请); the name itself if unnamed."""
    if definition is not None:
        for catch in _definition_catches(definition):
            if catch.get("message") == name and catch.get("element_name"):
                return catch["element_name"]
    return name
