"""e-CQS results and 12315 complaints through the API: idempotent imports, routing, per-row errors."""
from sqlalchemy import func, select

from app.audit.models import CaseEvent
from app.cases.models import Case
from app.exchange.models import ComplaintLead, SamplingResult
from tests.dates import day


def _result(uscc, report_no, conclusion="fail", **extra):
    row = {"task_no": "CC-TASK-1", "sample_no": f"YP-{report_no}", "sampling_date": day(-20),
           "sampled_party": "福州某某电器有限公司", "uscc": uscc, "producer": "某某电器厂", "product_name": "电热水壶",
           "product_category": "other", "brand": "好壶", "model": "HK-1", "batch": "20260101", "lab": "福建省质检院",
           "report_no": report_no, "report_date": day(-3), "conclusion": conclusion, "failed_items": []}
    if conclusion == "fail":
        row["failed_items"] = [{"item": "泄漏电流", "limit": "≤0.25mA", "measured": "0.80mA", "is_safety": True}]
    row.update(extra)
    return row


def _counts(db_session):
    return (db_session.scalar(select(func.count()).select_from(SamplingResult)),
            db_session.scalar(select(func.count()).select_from(Case)),
            db_session.scalar(select(func.count()).select_from(CaseEvent)))


def test_sampling_import_is_idempotent_and_corrections_are_audited(client, db_session, library, make_token,
                                                                   make_enterprise, make_case):
    ent = make_enterprise()  # registered in 350121, under the city bureau 350100
    _user, headers = make_token("350100")
    sampling = make_case("supervision_sampling", "350100", facts={"sampling_task_no": "CC-TASK-1"})
    batch = [_result(ent.uscc, "BG-1", "fail"), _result(ent.uscc, "BG-2", "pass")]
    first = client.post("/api/v1/sampling-results", headers=headers, json={"results": batch})
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["counts"] == {"created": 2}
    failed = db_session.scalar(select(SamplingResult).where(SamplingResult.report_no == "BG-1"))
    case = db_session.get(Case, failed.case_id)
    # The disposal runs in the enterprise's territorial bureau, not the importing city bureau.
    assert case.kind == "failed_sample_disposal" and case.org_unit.code == "350121"
    assert case.facts["test_report_no"] == "BG-1" and case.facts["failed_items"][0]["measured"] == "0.80mA"
    assert db_session.scalar(select(SamplingResult.case_id).where(SamplingResult.report_no == "BG-2")) is None
    db_session.expire_all()
    tally = db_session.get(Case, sampling.id).facts
    assert (tally["ecqs_batches"], tally["ecqs_passed"], tally["ecqs_failed"]) == (2, 1, 1)

    before = _counts(db_session)
    again = client.post("/api/v1/sampling-results", headers=headers, json={"results": batch})
    assert again.get_json()["counts"] == {"unchanged": 2}
    assert _counts(db_session)[:2] == before[:2]
    assert _counts(db_session)[2] == before[2] + 1  # only the audit row of the call itself

    corrected = [_result(ent.uscc, "BG-1", "fail", failed_items=[
        {"item": "泄漏电流", "limit": "≤0.25mA", "measured": "0.95mA", "is_safety": True}])]
    fixed = client.post("/api/v1/sampling-results", headers=headers, json={"results": corrected})
    assert fixed.get_json()["counts"] == {"updated": 1}
    assert fixed.get_json()["rows"][0]["case_id"] == case.id
    db_session.expire_all()
    assert db_session.get(SamplingResult, failed.id).failed_items[0]["measured"] == "0.95mA"
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.event_type == "sampling_result_corrected"))
    assert event.case_id == case.id and event.data["changed"] == ["failed_items"]
    assert db_session.get(Case, case.id).facts["failed_items"][0]["measured"] == "0.95mA"
    assert db_session.scalar(select(func.count()).select_from(Case).where(
        Case.kind == "failed_sample_disposal")) == 1


def test_bad_rows_are_reported_and_the_good_ones_go_in(client, db_session, library, make_token, make_enterprise):
    ent = make_enterprise()
    _user, headers = make_token("350100")
    from app.formdefs.uscc import make_uscc

    outside = make_uscc("91350200MA2Y00001")  # a Xiamen registration, outside the Fuzhou bureau
    batch = [_result(ent.uscc, "BG-OK", "pass"), _result("123", "BG-BAD", "pass"),
             _result(ent.uscc, "BG-NOITEMS", "fail", failed_items=[]), _result(outside, "BG-XM", "pass"),
             _result(ent.uscc, "BG-OK", "pass")]
    rows = client.post("/api/v1/sampling-results", headers=headers, json={"results": batch}).get_json()["rows"]
    assert [r["outcome"] for r in rows] == ["created", "error", "error", "error", "error"]
    assert "uscc" in rows[1]["errors"] and "failed_items" in rows[2]["errors"]
    assert "辖区" in rows[3]["errors"]["uscc"][0] and "重复" in rows[4]["errors"]["report_no"][0]


def test_import_needs_its_scope_and_quality_supervision_for_failures(client, library, make_token, make_enterprise):
    ent = make_enterprise()
    _user, headers = make_token("350100", scopes=("complaints:import",))
    refused = client.post("/api/v1/sampling-results", headers=headers, json={"results": [_result(ent.uscc, "B")]})
    assert refused.status_code == 403
    _user, headers = make_token("350100", departments=("credit",), scopes=("sampling:import",))
    rows = client.post("/api/v1/sampling-results", headers=headers,
                       json={"results": [_result(ent.uscc, "BG-F")]}).get_json()["rows"]
    assert rows[0]["outcome"] == "error" and "科室" in rows[0]["errors"]["_row"][0]


def _complaint(number, kind="complaint", **extra):
    row = {"number": number, "kind": kind, "received_date": day(-1), "enterprise_name": "某某电器商行",
           "region_code": "350121", "product_category": "e_bike", "product_name": "电动自行车",
           "description": "充电时电池起火冒烟"}
    row.update(extra)
    return row


def test_complaints_are_deduplicated_and_routed(client, db_session, library, make_token):
    _user, headers = make_token("350100", departments=("consumer_protection",))
    batch = [_complaint("12315-001"), _complaint("12315-002", "report"), _complaint("12315-003", region_code="")]
    first = client.post("/api/v1/complaints", headers=headers, json={"complaints": batch})
    assert first.status_code == 200 and first.get_json()["counts"] == {"created": 3}
    leads = {lead.number: lead for lead in db_session.scalars(select(ComplaintLead))}
    assert leads["12315-001"].department_code == "consumer_protection"
    assert leads["12315-002"].department_code == "enforcement"
    # The report is enforcement's lead check: a penalty case in the county bureau whose 立案审查 is ready.
    report_case = db_session.get(Case, leads["12315-002"].case_id)
    assert report_case.kind == "penalty_case" and report_case.org_unit.code == "350121"
    assert report_case.facts["complaint_no"] == "12315-002" and leads["12315-001"].case_id is None
    from app.engine.models import HumanTask

    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == report_case.id))
    assert (task.spec_name, task.department_code, task.status) == ("pc_lead_check", "enforcement", "ready")
    assert leads["12315-001"].org_unit_id != leads["12315-003"].org_unit_id  # county vs the importing city
    again = client.post("/api/v1/complaints", headers=headers, json={"complaints": batch})
    assert again.get_json()["counts"] == {"duplicate": 3}
    assert db_session.scalar(select(func.count()).select_from(ComplaintLead)) == 3
    bad = client.post("/api/v1/complaints", headers=headers,
                      json={"complaints": [_complaint("12315-004", kind="咨询"), _complaint("X", region_code="350200")]})
    rows = bad.get_json()["rows"]
    assert [r["outcome"] for r in rows] == ["error", "error"] and "kind" in rows[0]["errors"]


def test_a_report_whose_case_cannot_open_is_an_error_row_and_the_rest_go_in(client, db_session, make_token):
    # No process library deployed here: the report's penalty case cannot start.
    _user, headers = make_token("350100", departments=("consumer_protection",))
    batch = [_complaint("12315-101"), _complaint("12315-102", "report")]
    body = client.post("/api/v1/complaints", headers=headers, json={"complaints": batch}).get_json()
    assert body["counts"] == {"created": 1, "error": 1} and "尚未部署" in body["rows"][1]["errors"]["_row"][0]
    assert db_session.scalar(select(func.count()).select_from(ComplaintLead)) == 1
    assert db_session.scalar(select(func.count()).select_from(Case)) == 0
