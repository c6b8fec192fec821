"""Start pages over the process library: each start form's facts carry its real process to its first task."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cases.models import Case
from app.engine.deploy import deploy_directory
from app.engine.models import HumanTask, ProcessInstance
from tests.dates import day

ROOT = Path(__file__).resolve().parent.parent.parent

FORMS = {
    "failed_sample": ("failed_sample_disposal", {
        "enterprise_uscc": "91350100M000100Y43", "enterprise_name": "福州某某电器有限公司", "sample_no": "YP-9",
        "test_report_no": "BG-9", "test_lab": "福建省产品质量检验研究院", "test_date": day(-5),
        "product_category": "gas_appliance", "product_name": "家用燃气灶", "goods_value": "5000",
        "failed_items-0-item": "熄火保护", "failed_items-0-limit": "≤60s", "failed_items-0-measured": "95s",
        "failed_items-0-is_safety": "1"}),
    "campaign": ("hazard_investigation", {
        "campaign_name": "燃气具专项排查", "product_category": "gas_appliance", "product_name": "燃气灶",
        "self_inspection_due": day(20), "inspection_due": day(50),
        "enterprise_lines": "91110108551385082Q,福州燃气具有限公司"}),
    "risk_signal": ("risk_monitoring", {
        "title": "燃气灶熄火保护失效投诉", "signal_source": "complaint", "signal_description": "12315 多起投诉熄火保护失效",
        "product_category": "gas_appliance", "product_name": "燃气灶"}),
    "sampling": ("supervision_sampling", {
        "plan_name": "燃气具监督抽查", "product_category": "gas_appliance", "product_name": "燃气灶",
        "sample_count": "20", "sampling_due": day(100)}),
}


@pytest.fixture()
def library(db_session):
    return deploy_directory(ROOT / "processes")


@pytest.mark.parametrize("what", sorted(FORMS))
def test_start_form_reaches_the_first_task(what, db_session, library, make_user, login_as):
    kind, form = FORMS[what]
    client = login_as(make_user("350121"))
    response = client.post(f"/cases/start/{what}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    case = db_session.scalar(select(Case).where(Case.kind == kind))
    inst = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    assert inst.status in ("running", "waiting"), (inst.error_type, inst.error_message)
    ready = list(db_session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                            HumanTask.status == "ready")))
    assert ready, "the process should wait at a user task"
    data = client.get(f"/cases/{case.id}/diagram.json").get_json()
    assert data["ready"] and "BPMNDiagram" in data["xml"]
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_completed_step_shows_on_case_page_and_diagram(db_session, library, make_user, login_as):
    """After the first task of a real disposal case, its form's labels and the done step appear."""
    from app.engine.service import complete_task
    from app.formdefs.registry import get_registry
    from app.formdefs.schema import validate_submission
    from app.seed.autofill import sample_form_data

    kind, form = FORMS["failed_sample"]
    clerk = make_user("350121")
    client = login_as(clerk)
    client.post("/cases/start/failed_sample", data=form)
    case = db_session.scalar(select(Case).where(Case.kind == kind))
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))
    form_def = get_registry().get(task.form_key)
    clean, errors = validate_submission(form_def, sample_form_data(form_def))
    assert not errors
    # The starter works the first task: it was claimed for them when the case was registered.
    assert task.assignee_id == clerk.id
    complete_task(task.id, clerk, clean)
    data = client.get(f"/cases/{case.id}/diagram.json").get_json()
    assert task.spec_name in data["completed"] and task.spec_name not in data["ready"]
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    shown = [f for f in form_def.fields if f.type not in ("table", "attachments") and f.name in clean]
    assert shown and all(f.label in html for f in shown)
    assert "办理完成" in html and task.title in html
