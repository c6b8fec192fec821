"""form_for_task: registry forms by key, forms generated from camunda:formData, tasks without a form."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.engine.deploy import deploy_files
from app.engine.models import HumanTask
from app.formdefs.task_forms import TaskFormUnavailable, form_for_task

CAMUNDA = Path(__file__).resolve().parents[1] / "engine" / "fixtures" / "camunda" / "complaint_check.bpmn"


@pytest.fixture()
def camunda_task(db_session, make_case):
    deploy_files({CAMUNDA.name: CAMUNDA.read_bytes()})
    case = make_case("complaint_check", "350121")
    return case, db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))


def test_registry_form_by_key(open_task):
    _case, task = open_task("350121")
    form = form_for_task(task)
    assert form.key == "inbox_review" and form.field("hazards").type == "table"


def test_unknown_form_key_is_reported(open_task, inbox_forms):
    _case, task = open_task("350121")
    (inbox_forms / "inbox_review.json").unlink()
    with pytest.raises(TaskFormUnavailable, match="inbox_review"):
        form_for_task(task)


def test_camunda_form_data_becomes_the_task_form(camunda_task):
    _case, task = camunda_task
    form = form_for_task(task)
    assert form.field_names()[:3] == ["complainant", "productCount", "channel"]
    assert form.field("complainant").required and form.field("caseSource").readonly
    assert form.field("channel").option_labels()[0] == ("hotline", "12315 热线")


def test_camunda_task_page_validates_and_completes(camunda_task, make_user, login_as, client, db_session):
    case, task = camunda_task
    login_as(make_user("350121", ["quality_supervision"]))
    page = client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "投诉人" in page and "12315 热线" in page and "TS-2026" in page
    bad = client.post(f"/inbox/tasks/{task.id}/complete", data={"complainant": "", "productCount": "两个"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "必填项" in html and "请输入整数" in html and 'value="两个"' in html
    ok = client.post(f"/inbox/tasks/{task.id}/complete",
                     data={"complainant": "王女士", "productCount": "2", "channel": "web",
                           "receivedOn": "2026-03-02", "substantiated": "false"})
    assert ok.status_code == 302
    db_session.refresh(task)
    assert task.status == "completed"
    facts = db_session.get(type(case), case.id).facts
    assert facts["complainant"] == "王女士" and facts["productCount"] == 2 and facts["channel"] == "web"
