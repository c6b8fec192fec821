"""The stored state's text: values the library writes in a typed form come back as the same values."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.engine import runtime
from app.engine.models import ProcessInstance
from app.engine.operation import load_workflow
from app.engine.serializer import state_to_workflow, workflow_to_state
from tests.engine import samples


def test_dates_and_durations_in_task_data_survive_a_save_and_restore(db_session, deploy_xml, make_case):
    deploy_xml(samples.review_process())
    case = make_case("review_flow")
    inst = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    d = inst.definition
    wf = load_workflow(inst)
    [task] = runtime.ready_user_tasks(wf)
    received = datetime.now(UTC).replace(microsecond=0)
    task.data.update(received_at=received, appeal_period=timedelta(days=60), opinion="同意立案")

    state = workflow_to_state(wf, d.dialect)  # compared with the library's own output (tests/state_check.py)
    assert "同意立案" in state.text
    [again] = runtime.ready_user_tasks(state_to_workflow(state.text, (d.id, d.sha256), lambda: d.spec_json,
                                                         d.dialect))
    assert again.data["received_at"] == received
    assert again.data["appeal_period"] == timedelta(days=60)
    assert again.data["opinion"] == "同意立案"
