"""Operations over the real process library: start a case, list and claim its task, complete it as the web form."""
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.cases.models import Case
from app.engine.models import HumanTask
from tests.dates import day

FAILED_SAMPLE = {
    "enterprise_uscc": "91350100M000100Y43", "enterprise_name": "福州某某电器有限公司", "sample_no": "YP-API-1",
    "test_report_no": "BG-API-1", "test_lab": "福建省产品质量检验研究院", "test_date": day(-5),
    "product_category": "gas_appliance", "product_name": "家用燃气灶", "goods_value": 5000,
    "failed_items": [{"item": "熄火保护", "limit": "≤60s", "measured": "95s", "is_safety": True}]}


def test_start_claim_complete_through_the_api(client, db_session, library, make_token):
    user, headers = make_token("350121")
    started = client.post("/api/v1/cases/failed-sample", headers=headers, json=FAILED_SAMPLE)
    assert started.status_code == 201, started.get_data(as_text=True)
    case_id = started.get_json()["id"]
    assert started.get_json()["facts"]["test_report_no"] == "BG-API-1"

    read = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert read.status_code == 200 and read.get_json()["number"].startswith("BH-350121-")
    listed = client.get("/api/v1/cases?kind=failed_sample_disposal&per_page=10", headers=headers)
    assert [row["case"]["id"] for row in listed.get_json()] == [case_id]
    assert 'rel="first"' in listed.headers["Link"] and listed.headers["X-Total-Count"] == "1"

    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))
    _worker, worker_headers = make_token(db_session.get(Case, case_id).org_unit.code,
                                         departments=(task.department_code,))
    department = client.get("/api/v1/tasks?tab=department", headers=worker_headers).get_json()
    assert task.id in [t["id"] for t in department]
    claimed = client.post(f"/api/v1/tasks/{task.id}/claim", headers=worker_headers)
    assert claimed.status_code == 200 and claimed.get_json()["assignee_id"] is not None
    detail = client.get(f"/api/v1/tasks/{task.id}", headers=worker_headers).get_json()
    names = {f["name"] for f in detail["form_fields"]}
    assert "test_report_no" in names

    # The web form's validation: a missing required field and a bad date are refused with field messages.
    refused = client.post(f"/api/v1/tasks/{task.id}/complete", headers=worker_headers,
                          json={"data": {"test_date": "2026-13-45"}})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    errors = refused.get_json()["errors"]
    assert "test_report_no" in errors and "test_date" in errors
    assert db_session.get(HumanTask, task.id).status == "ready"

    from app.formdefs.registry import get_registry
    from app.seed.autofill import sample_form_data

    data = sample_form_data(get_registry().get(task.form_key))
    done = client.post(f"/api/v1/tasks/{task.id}/complete", headers=worker_headers, json={"data": data})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["task_id"] == task.id
    db_session.expire_all()
    assert db_session.get(HumanTask, task.id).status == "completed"
    completed = db_session.scalar(select(CaseEvent).where(CaseEvent.human_task_id == task.id,
                                                          CaseEvent.event_type == "task_completed"))
    assert completed is not None


def test_start_form_validation_is_the_web_forms(client, library, make_token):
    _user, headers = make_token()
    bad = dict(FAILED_SAMPLE, enterprise_uscc="91350100M000100Y44", failed_items=[])
    response = client.post("/api/v1/cases/failed-sample", headers=headers, json=bad)
    assert response.status_code == 422
    body = response.get_json()
    assert "enterprise_uscc" in str(body["errors"]) and "至少填写一项不合格项目" in str(body["errors"])


def test_department_without_start_right_gets_403(client, library, make_token):
    _user, headers = make_token(departments=("enforcement",))
    response = client.post("/api/v1/cases/failed-sample", headers=headers, json=FAILED_SAMPLE)
    assert response.status_code == 403


def test_outside_event_reaches_the_waiting_process(client, db_session, library, make_token):
    _user, headers = make_token("350121")
    case_id = client.post("/api/v1/cases/failed-sample", headers=headers, json=FAILED_SAMPLE).get_json()["id"]
    messages = client.get(f"/api/v1/cases/{case_id}/events", headers=headers)
    assert messages.status_code == 200
    names = [m["name"] for m in messages.get_json()]
    assert "objection" in names
    response = client.post(f"/api/v1/cases/{case_id}/events", headers=headers,
                           json={"message": "objection", "received_date": day(0), "note": "企业提出异议申请复检"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["name"] == "objection"
    unknown = client.post(f"/api/v1/cases/{case_id}/events", headers=headers,
                          json={"message": "no_such_event", "received_date": day(0), "note": "x"})
    assert unknown.status_code == 400


def test_campaign_start_opens_one_case_per_enterprise(client, library, make_token, make_enterprise):
    ent = make_enterprise()
    _user, headers = make_token("350121")
    response = client.post("/api/v1/cases/campaign", headers=headers, json={
        "campaign_name": "燃气具专项排查", "product_category": "gas_appliance", "product_name": "燃气灶",
        "self_inspection_due": day(20), "inspection_due": day(50), "enterprise_ids": [ent.id],
        "enterprise_lines": "91110108551385082Q,福州燃气具有限公司"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(response.get_json()["ids"]) == 2
    bad = client.post("/api/v1/cases/campaign", headers=headers, json={
        "campaign_name": "燃气具专项排查", "product_category": "gas_appliance", "product_name": "燃气灶",
        "self_inspection_due": day(20), "inspection_due": day(50), "enterprise_lines": "12345,某公司"})
    assert bad.status_code == 400 and "第 1 行" in bad.get_json()["detail"]
