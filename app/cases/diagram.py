"""Data for the case's BPMN diagram: the instance's definition XML and which elements to mark."""
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.db import db
from app.engine.models import HumanTask, ProcessInstance
from app.engine.xmlsafe import parse_untrusted_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _root_instance(case):
    """The case's lifecycle instance (its process key is the case kind), else its first one."""
    instances = list(db.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)
                                .order_by(ProcessInstance.id)))
    for inst in instances:
        if inst.definition.key == case.kind:
            return inst
    return instances[0] if instances else None


def _call_activities(xml) -> dict:
    """{called process key: [callActivity ids]} of the definition's own processes."""
    # The XML was checked when it was deployed; it goes through the hardened parser all the same.
    root = parse_untrusted_xml(xml.encode("utf-8"), "definition.bpmn", max_bytes=len(xml.encode("utf-8")) + 1)
    found = {}
    for el in root.iter(f"{{{BPMN_NS}}}callActivity"):
        if el.get("calledElement"):
            found.setdefault(el.get("calledElement"), []).append(el.get("id"))
    return found


def _placer(meta, calls):
    """A function mapping a task's element id to the ids to mark in the root diagram."""
    own = set((meta or {}).get("elements", {}))
    called = (meta or {}).get("called", {})

    def place(spec_name):
        if spec_name in own:
            return [spec_name]
        # Inside a call activity the task belongs to the called process: mark the call activity.
        for key, sub in called.items():
            if spec_name in sub.get("elements", {}):
                return calls.get(key, [])
        return []
    return place


def diagram_data(case) -> dict:
    """{xml, ready, completed, called_ready, called_completed, ...} for the bpmn-js viewer."""
    inst = _root_instance(case)
    if inst is None:
        return {"xml": None, "ready": [], "completed": [], "message": "该案件尚未启动流程"}
    definition = inst.definition
    calls = _call_activities(definition.xml)
    place = _placer(definition.meta, calls)
    own = set((definition.meta or {}).get("elements", {}))
    tasks = list(db.scalars(select(HumanTask).where(HumanTask.instance_id == inst.id)))
    ready, completed = [], []
    for t in tasks:
        target = ready if t.status == "ready" else completed if t.status == "completed" else None
        if target is not None:
            target.extend(place(t.spec_name))
    # Timers that fired are steps the process took without a task row; the audit trail names them.
    for ev in db.scalars(select(CaseEvent).where(CaseEvent.instance_id == inst.id,
                                                 CaseEvent.event_type == "timer_fired")):
        completed.extend(name for name in (ev.summary or "").split(",") if name in own)
    elements = (definition.meta or {}).get("elements", {})
    # The start event has run once the instance exists; an end event once it completed.
    completed.extend(eid for eid, el in elements.items() if el.get("type") == "startEvent")
    if inst.status == "completed":
        completed.extend(eid for eid, el in elements.items() if el.get("type") == "endEvent")
    ready_set = set(ready)
    return {
        "xml": definition.xml, "process_key": definition.key, "process_name": definition.name,
        "version": definition.version, "instance_status": inst.status,
        "ready": sorted(ready_set),
        # A call activity with work still open stays "current", not "done".
        "completed": sorted(set(completed) - ready_set),
        "call_activities": sorted({i for ids in calls.values() for i in ids}),
    }

