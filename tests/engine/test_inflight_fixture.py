"""Stored state from the pinned SpiffWorkflow still loads and continues (guards library upgrades).

The fixture was saved while the instance was inside a started call activity, the case that broke
3.1 -> 3.2 upgrades (see docs/ENGINE.md).
"""
import json
from pathlib import Path

from sqlalchemy import select

from app.db import utcnow
from app.engine import service
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask, ProcessInstance
from app.engine.operation import load_workflow
from app.engine.tasksync import sync_human_tasks
from app.seed.reference import unit_by_code

FIXTURES = Path(__file__).parent / "fixtures"


def test_saved_inflight_instance_continues(db_session, make_case, make_user):
    files = {name: (FIXTURES / name).read_bytes() for name in ("inflight_parent.bpmn", "inflight_child.bpmn")}
    results = {r.key: r for r in deploy_files(files, form_exists=None)}
    case = make_case("inflight_parent", org_code="350121", start_process=False)
    state = json.loads((FIXTURES / "inflight_state.json").read_text())
    inst = ProcessInstance(definition_id=results["inflight_parent"].definition_id, case_id=case.id,
                           status="running", state=state, started_at=utcnow(), updated_at=utcnow())
    db_session.add(inst)
    db_session.flush()
    wf = load_workflow(inst)
    sync_human_tasks(inst, wf, case.org_unit_id, inst.definition.meta, utcnow())

    [decide] = db_session.scalars(select(HumanTask).where(HumanTask.instance_id == inst.id)).all()
    assert (decide.spec_name, decide.org_unit_id) == ("decide", unit_by_code("350100").id)
    service.complete_task(decide.id, make_user("350100", ["enforcement"]), {"decision": "立案"})
    [close] = db_session.scalars(select(HumanTask).where(HumanTask.instance_id == inst.id,
                                                         HumanTask.status == "ready")).all()
    assert close.spec_name == "close"
    service.complete_task(close.id, make_user("350121", ["quality_supervision"]), {})
    assert inst.status == "completed"
    # Data computed inside the call activity before the save survives the round trip.
    assert load_workflow(inst).data["deadline"] == "2026-10-23"


def test_saved_state_equals_the_library_serialization_without_spec(db_session, make_case):
    """Our spec-less writer must produce exactly what the library's serializer writes (minus the spec)."""
    from app.engine.serializer import SPEC_KEYS, serializer_for, workflow_to_state

    files = {name: (FIXTURES / name).read_bytes() for name in ("inflight_parent.bpmn", "inflight_child.bpmn")}
    results = {r.key: r for r in deploy_files(files, form_exists=None)}
    case = make_case("inflight_parent", org_code="350121", start_process=False)
    inst = ProcessInstance(definition_id=results["inflight_parent"].definition_id, case_id=case.id,
                           status="running", state=json.loads((FIXTURES / "inflight_state.json").read_text()),
                           started_at=utcnow(), updated_at=utcnow())
    db_session.add(inst)
    db_session.flush()
    wf = load_workflow(inst)
    assert wf.subprocesses, "the fixture is inside a started call activity"
    library = json.loads(serializer_for("spiff").serialize_json(wf))
    for key in SPEC_KEYS:
        library.pop(key)
    assert workflow_to_state(wf, "spiff") == library
