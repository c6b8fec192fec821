"""Case list, case page, diagram data and export: scope, filters, bad input."""
import csv
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from app.db import utcnow
from app.engine.models import HumanTask
from app.engine.service import complete_task


def _ready(db, case):
    return db.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))


def test_list_shows_only_cases_in_scope(db_session, kinds_deployed, make_user, make_case, login_as):
    mine = make_case("penalty_case", "350121", title="闽侯电线电缆案")
    other = make_case("penalty_case", "350203", title="思明燃气具案")
    client = login_as(make_user("350100"))
    page = client.get("/cases/").get_data(as_text=True)
    assert mine.number in page and "闽侯电线电缆案" in page
    assert other.number not in page and "思明燃气具案" not in page


def test_filters_narrow_the_list(db_session, kinds_deployed, make_user, make_case, make_enterprise, login_as):
    ent = make_enterprise("福建安全化工有限公司")
    key = make_case("hazard_investigation", "350121", title="化工排查", enterprise=ent,
                    product_category="hazardous_chemicals", is_key_product=True)
    plain = make_case("risk_monitoring", "350100", title="市局风险信号", product_category="other")
    client = login_as(make_user("350000"))

    def numbers(**params):
        html = client.get("/cases/", query_string=params).get_data(as_text=True)
        return {c.number for c in (key, plain) if c.number in html}

    assert numbers() == {key.number, plain.number}
    assert numbers(kind="risk_monitoring") == {plain.number}
    assert numbers(is_key="1") == {key.number}
    assert numbers(category="hazardous_chemicals") == {key.number}
    assert numbers(org="350121") == {key.number}
    assert numbers(enterprise=ent.uscc) == {key.number}
    assert numbers(enterprise="安全化工") == {key.number}
    assert numbers(q="风险信号") == {plain.number}
    assert numbers(q=ent.uscc.lower()) == {key.number}
    assert numbers(q="%") == set()  # wildcards are searched literally
    assert numbers(status="closed") == set()
    today = (utcnow() + timedelta(hours=8)).date()
    assert numbers(opened_from=today.isoformat(), opened_to=today.isoformat()) == {key.number, plain.number}
    assert numbers(opened_to=(today - timedelta(days=1)).isoformat()) == set()


def test_overdue_filter_and_org_outside_scope(db_session, kinds_deployed, make_user, make_case, login_as):
    late = make_case("penalty_case", "350121", title="超期案")
    on_time = make_case("penalty_case", "350121", title="正常案")
    _ready(db_session, late).due_at = utcnow() - timedelta(days=2)
    db_session.flush()
    client = login_as(make_user("350100"))
    html = client.get("/cases/?overdue=1").get_data(as_text=True)
    assert late.number in html and on_time.number not in html
    # Asking for another city's unit narrows to nothing; it never widens the scope.
    html = client.get("/cases/?org=350203").get_data(as_text=True)
    assert "没有符合条件的案件" in html


def test_bad_filters_answer_400_in_chinese(db_session, make_user, login_as):
    client = login_as(make_user("350100"))
    response = client.get("/cases/?opened_from=2026-13-45&kind=nope")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请输入有效的日期" in html and "请选择有效的选项" in html
    response = client.get("/cases/?opened_from=2026-05-02&opened_to=2026-05-01")
    assert response.status_code == 400 and "开始日期不能晚于结束日期" in response.get_data(as_text=True)


def test_list_sorts_and_pages(db_session, kinds_deployed, make_user, make_case, login_as):
    cases = [make_case("penalty_case", "350121", title=f"分页案{i}", start_process=False) for i in range(12)]
    client = login_as(make_user("350121"))
    first = client.get("/cases/?per_page=10&sort=number&dir=asc").get_data(as_text=True)
    second = client.get("/cases/?per_page=10&sort=number&dir=asc&page=2").get_data(as_text=True)
    ordered = sorted(c.number for c in cases)
    assert ordered[0] in first and ordered[-1] not in first
    assert ordered[-1] in second and ordered[0] not in second
    assert "第 1 / 2 页" in first


def test_case_page_shows_facts_parties_deadlines_timeline(db_session, kinds_deployed, make_user, make_case,
                                                          login_as):
    facts = {"sample_no": "YP-2026-001", "failed_items": [
        {"item": "绝缘电阻", "limit": "≥10MΩ", "measured": "2MΩ", "is_safety": True}], "is_food": False}
    case = make_case("failed_sample_disposal", "350121", title="电线不合格", facts=facts, product_name="BV电线")
    client = login_as(make_user("350121"))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.enterprise.uscc in html and case.enterprise.name in html
    assert "样品编号" in html and "YP-2026-001" in html
    assert 'data-fact="failed_items"' in html and "绝缘电阻" in html and "实测值" in html
    assert "登记审核" in html and "个工作日" in html  # the open task with its remaining working days
    assert "案件登记" in html and "生成待办" in html  # timeline labels from the audit log
    assert "BV电线" in html


def test_case_page_marks_overdue_and_related_cases(db_session, kinds_deployed, make_user, make_case, login_as):
    parent = make_case("failed_sample_disposal", "350121", title="母案")
    child = make_case("penalty_case", "350121", title="子案", facts={"parent_case_number": parent.number})
    _ready(db_session, child).due_at = utcnow() - timedelta(days=1)
    db_session.flush()
    client = login_as(make_user("350121"))
    html = client.get(f"/cases/{child.id}").get_data(as_text=True)
    assert "已超期" in html and parent.number in html
    assert child.number in client.get(f"/cases/{parent.id}").get_data(as_text=True)


def test_other_city_gets_404_on_case_and_diagram(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350200"))
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/cases/{case.id}/diagram.json").status_code == 404
    assert client.get("/cases/999999").status_code == 404


def test_login_required(client):
    response = client.get("/cases/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_diagram_marks_current_and_completed(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    clerk = make_user("350121")
    client = login_as(clerk)
    data = client.get(f"/cases/{case.id}/diagram.json").get_json()
    assert data["ready"] == ["register"] and data["completed"] == ["start"]
    assert "<bpmndi:BPMNDiagram" in data["xml"] and data["process_key"] == "penalty_case"
    complete_task(_ready(db_session, case).id, clerk, {})
    data = client.get(f"/cases/{case.id}/diagram.json").get_json()
    assert data["ready"] == ["review"] and data["completed"] == ["register", "start"]
    city_clerk = make_user("350100")
    complete_task(_ready(db_session, case).id, city_clerk, {})
    data = client.get(f"/cases/{case.id}/diagram.json").get_json()
    assert data["ready"] == [] and data["completed"] == ["end", "register", "review", "start"]
    assert data["instance_status"] == "completed"


def test_diagram_marks_call_activity_for_callee_task(db_session, deploy_xml, make_user, make_case, login_as):
    from app.engine.deploy import deploy_files
    from tests.cases.case_bpmn import call_activity_xml

    files = {k: v.encode("utf-8") for k, v in call_activity_xml("recall").items()}
    deploy_files(files, form_exists=None)
    case = make_case("recall", "350121")
    assert _ready(db_session, case).spec_name == "sub_task"
    data = login_as(make_user("350121")).get(f"/cases/{case.id}/diagram.json").get_json()
    assert data["ready"] == ["call_check"] and data["call_activities"] == ["call_check"]


def test_export_xlsx_and_csv(db_session, kinds_deployed, make_user, make_case, login_as):
    a = make_case("penalty_case", "350121", title="=HYPERLINK(\"x\")", product_category="wire_cable")
    b = make_case("risk_monitoring", "350121", title="风险案")
    outside = make_case("penalty_case", "350203", title="外市案")
    client = login_as(make_user("350100"))
    response = client.get("/cases/export?format=xlsx&kind=penalty_case")
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号" and rows[0][1] == "案件类型"
    assert [r[0] for r in rows[1:]] == [a.number]
    assert rows[1][1] == "行政处罚案件" and rows[1][2].startswith("'=")  # no formula injection
    assert rows[1][5] == a.enterprise.uscc and rows[1][6] == "电线电缆"
    response = client.get("/cases/export?format=csv")
    assert response.data.startswith("\ufeff".encode("utf-8"))
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0][0] == "案件编号"
    numbers = {r[0] for r in table[1:]}
    assert numbers == {a.number, b.number} and outside.number not in numbers


def test_export_bad_format_or_filter_is_400(db_session, make_user, login_as):
    client = login_as(make_user("350100"))
    assert client.get("/cases/export?format=pdf").status_code == 400
    response = client.get("/cases/export?opened_from=yesterday")
    assert response.status_code == 400 and "请输入有效的日期" in response.get_data(as_text=True)


def test_english_interface(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    client.post("/locale", data={"locale": "en"})
    html = client.get("/cases/").get_data(as_text=True)
    assert "Keyword" in html and "Administrative penalty case" in html and "导出 Excel" not in html
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Process diagram" in html and "Case opened" in html


def test_timeline_names_whom_a_task_was_assigned_to(db_session, kinds_deployed, make_user, make_case, login_as):
    from app.engine.tasks import assign_task

    case = make_case("penalty_case", "350121")
    head = make_user("350121", roles=("staff", "supervisor"))
    clerk = make_user("350121")
    assign_task(_ready(db_session, case).id, head, clerk.id, reason="熟悉该企业")
    html = login_as(head).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "指派任务" in html and f"登记审核 → {clerk.display_name}" in html


def test_case_page_lists_dates_from_the_facts(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("hazard_investigation", "350121", facts={
        "campaign_name": "专项", "self_inspection_due": "2020-05-20", "inspection_due": "2099-07-25"})
    html = login_as(make_user("350121")).get(f"/cases/{case.id}").get_data(as_text=True)
    section = html.split('class="grid compact fact-deadlines"', 1)[1].split("</table>", 1)[0]
    assert "自查截止日期" in section and "2020-05-20" in section and "已超期" in section
    assert "现场检查截止日期" in section and "2099-07-25" in section and "个工作日" in section
