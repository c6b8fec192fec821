"""Start-work pages: failed sample, campaign, risk signal, sampling task; rights and bad input."""
from sqlalchemy import func, select

from app.cases.models import Case, Enterprise
from app.engine.models import HumanTask
from app.formdefs.uscc import make_uscc
from tests.dates import day

USCC = "91350100M000100Y43"


def _count(db, kind):
    return db.scalar(select(func.count()).select_from(Case).where(Case.kind == kind))


def _failed_sample_form(**over):
    form = {"enterprise_uscc": USCC, "enterprise_name": "福州某某电器有限公司", "sample_no": "YP-001",
            "test_report_no": "BG-2026-88", "test_lab": "福建省产品质量检验研究院", "test_date": "2026-11-02",
            "product_category": "wire_cable", "product_name": "BV电线", "goods_value": "12800.50",
            "is_consumer_product": "1",
            "failed_items-0-item": "绝缘电阻", "failed_items-0-limit": "≥10MΩ·km", "failed_items-0-measured": "3MΩ·km",
            "failed_items-0-is_safety": "1",
            "failed_items-1-item": "", "failed_items-1-limit": "", "failed_items-1-measured": ""}
    form.update(over)
    return form


def test_register_failed_sample_opens_disposal_case(db_session, kinds_deployed, make_user, login_as):
    user = make_user("350121")
    client = login_as(user)
    assert "登记不合格检验结果" in client.get("/cases/start/failed_sample").get_data(as_text=True)
    response = client.post("/cases/start/failed_sample", data=_failed_sample_form())
    assert response.status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "failed_sample_disposal"))
    assert case.org_unit.code == "350121" and case.created_by_id == user.id and case.is_key_product
    assert case.enterprise.uscc == USCC and case.product_category == "wire_cable"
    assert case.facts["failed_items"] == [{"item": "绝缘电阻", "limit": "≥10MΩ·km", "measured": "3MΩ·km",
                                           "is_safety": True}]
    assert case.facts["test_date"] == "2026-11-02" and case.facts["goods_value"] == 12800.5
    assert case.facts["is_consumer_product"] is True and case.facts["is_food"] is False
    # The process started with these facts; its first task is the starter's (claimed) and opens at once.
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    assert task.status == "ready" and task.org_unit_id == case.org_unit_id and task.assignee_id == user.id
    assert response.headers["Location"].endswith(f"/inbox/tasks/{task.id}")
    assert "已签收到您的待办" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_starter_outside_the_first_tasks_department_lands_on_the_case(db_session, kinds_deployed, make_user,
                                                                      login_as):
    from app.inbox.models import TaskDraft

    admin = make_user("350121", departments=["it_office"], roles=["staff", "system_admin"])
    response = login_as(admin).post("/cases/start/failed_sample", data=_failed_sample_form())
    case = db_session.scalar(select(Case).where(Case.kind == "failed_sample_disposal"))
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    assert task.assignee_id is None
    # The test process's task has no form: nothing to prefill.
    assert db_session.scalar(select(TaskDraft).where(TaskDraft.human_task_id == task.id)) is None


def test_existing_enterprise_is_reused(db_session, kinds_deployed, make_user, make_enterprise, login_as):
    ent = make_enterprise("已登记企业")
    client = login_as(make_user("350121"))
    client.post("/cases/start/failed_sample", data=_failed_sample_form(enterprise_uscc=ent.uscc.lower(),
                                                                      enterprise_name=ent.name))
    case = db_session.scalar(select(Case).where(Case.kind == "failed_sample_disposal"))
    assert case.enterprise_id == ent.id


def test_invalid_uscc_and_missing_fields_are_shown_in_chinese(db_session, kinds_deployed, make_user, login_as):
    client = login_as(make_user("350121"))
    bad = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    response = client.post("/cases/start/failed_sample",
                           data=_failed_sample_form(enterprise_uscc=bad, sample_no="", test_date="2026-02-30",
                                                    **{"failed_items-0-item": "", "failed_items-0-limit": "",
                                                       "failed_items-0-measured": ""}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "统一社会信用代码校验位错误" in html and "必填项" in html and "请输入有效的日期" in html
    assert "至少填写一项不合格项目" in html
    assert 'value="福州某某电器有限公司"' in html  # what was typed is kept
    # A half-filled row is reported in its cell, with the other cells kept.
    response = client.post("/cases/start/failed_sample", data=_failed_sample_form(**{"failed_items-0-item": ""}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "3MΩ·km" in html and html.count("必填项") == 1
    assert _count(db_session, "failed_sample_disposal") == 0
    assert db_session.scalar(select(Enterprise).where(Enterprise.uscc == bad)) is None


def test_departments_without_the_right_get_403(db_session, kinds_deployed, make_user, login_as):
    client = login_as(make_user("350121", departments=("enforcement",)))
    assert client.get("/cases/start/failed_sample").status_code == 403
    assert client.post("/cases/start/campaign", data={"campaign_name": "x"}).status_code == 403
    assert client.get("/cases/start/nothing").status_code == 404
    html = client.get("/cases/start").get_data(as_text=True)
    assert "本科室无此权限" in html


def test_campaign_opens_one_case_per_enterprise(db_session, kinds_deployed, make_user, make_enterprise, login_as):
    picked = make_enterprise("名录企业")
    second = make_uscc("91350121MA2XXXXX0")
    client = login_as(make_user("350121"))
    lines = f"{USCC},福州甲化工有限公司\n\n{second}，闽侯乙化工有限公司\n{USCC},重复行\n"
    response = client.post("/cases/start/campaign", data={
        "campaign_name": "2026年危化品专项排查", "product_category": "hazardous_chemicals", "product_name": "工业硫酸",
        "self_inspection_due": "2026-05-20", "inspection_due": "2026-07-25", "enterprise_ids": [str(picked.id)],
        "enterprise_lines": lines})
    assert response.status_code == 302 and "kind=hazard_investigation" in response.headers["Location"]
    cases = list(db_session.scalars(select(Case).where(Case.kind == "hazard_investigation")))
    assert sorted(c.enterprise.uscc for c in cases) == sorted([picked.uscc, USCC, second])
    assert all(c.facts["self_inspection_due"] == "2026-05-20" and c.facts["inspection_due"] == "2026-07-25"
               and c.facts["campaign_name"] == "2026年危化品专项排查" for c in cases)


def test_campaign_with_a_bad_line_starts_nothing(db_session, kinds_deployed, make_user, login_as):
    client = login_as(make_user("350121"))
    form = {"campaign_name": "排查", "product_category": "cement", "product_name": "水泥",
            "self_inspection_due": "2026-05-20", "inspection_due": "2026-07-25",
            "enterprise_lines": f"{USCC},好企业\n91350100M00010OY43,坏代码\n只有名称"}
    response = client.post("/cases/start/campaign", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "第 2 行" in html and "第 3 行" in html
    assert _count(db_session, "hazard_investigation") == 0
    response = client.post("/cases/start/campaign", data={**form, "enterprise_lines": "",
                                                          "inspection_due": "2026-05-01"})
    assert response.status_code == 400 and "不能早于自查截止日期" in response.get_data(as_text=True)


def test_risk_signal_by_consumer_protection(db_session, kinds_deployed, make_user, login_as):
    client = login_as(make_user("350100", departments=("consumer_protection",)))
    response = client.post("/cases/start/risk_signal", data={
        "title": "电动自行车电池起火投诉", "signal_source": "complaint",
        "signal_description": "12315 接到多起电池起火投诉", "product_category": "e_bike_charger_battery"})
    assert response.status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "risk_monitoring"))
    assert case.enterprise_id is None and case.facts["signal_source"] == "complaint"
    assert case.org_unit.code == "350100"
    response = client.post("/cases/start/risk_signal", data={"title": "x", "signal_source": "rumour",
                                                             "signal_description": "短"})
    assert response.status_code == 400 and "请选择有效的选项" in response.get_data(as_text=True)


def test_sampling_task(db_session, kinds_deployed, make_user, login_as):
    client = login_as(make_user("350100"))
    response = client.post("/cases/start/sampling", data={
        "plan_name": "2026年第四季度监督抽查", "product_category": "fireworks", "product_name": "烟花",
        "sample_count": "30", "sampling_due": day(30)})
    assert response.status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "supervision_sampling"))
    assert case.facts == {"plan_name": "2026年第四季度监督抽查", "sample_count": 30, "sampling_due": day(30)}
    response = client.post("/cases/start/sampling", data={"plan_name": "计划", "product_category": "fireworks",
                                                          "product_name": "烟花", "sample_count": "很多",
                                                          "sampling_due": day(30)})
    assert response.status_code == 400 and "请输入整数" in response.get_data(as_text=True)


def test_start_pages_need_csrf(csrf_enabled, db_session, kinds_deployed, make_user):
    user = make_user("350121")
    client = csrf_enabled.test_client()
    token = client.get("/login").get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"username": user.username, "password": "pw-123456", "csrf_token": token})
    response = client.post("/cases/start/failed_sample", data=_failed_sample_form())
    assert response.status_code == 400
    assert _count(db_session, "failed_sample_disposal") == 0


def test_home_page_links_to_the_start_pages_the_user_may_use(db_session, make_user, login_as):
    html = login_as(make_user("350121")).get("/").get_data(as_text=True)
    assert "/cases/start/failed_sample" in html and "/cases/start/campaign" in html
    html = login_as(make_user("350121", departments=("consumer_protection",))).get("/").get_data(as_text=True)
    assert "/cases/start/risk_signal" in html and "/cases/start/failed_sample" not in html


def test_failed_sample_registered_by_the_province_goes_to_the_enterprise_county(db_session, kinds_deployed, make_user,
                                                                                 make_enterprise, login_as):
    ent = make_enterprise()  # registered in 闽侯县 (350121)
    client = login_as(make_user("350000"))
    response = client.post("/cases/start/failed_sample", data=_failed_sample_form(enterprise_id=str(ent.id)))
    assert response.status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "failed_sample_disposal"))
    assert case.org_unit.code == "350121" and case.enterprise_id == ent.id
    assert (case.facts["organising_unit_code"], case.facts["organising_unit_name"]) == ("350000", "福建省市场监督管理局")
    # The province still sees the case it organised.
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_enforcement_opens_a_penalty_case_from_a_lead(db_session, kinds_deployed, make_user, make_enterprise,
                                                      login_as):
    ent = make_enterprise()
    assert login_as(make_user("350121")).get("/cases/start/lead").status_code == 403
    client = login_as(make_user("350121", departments=("enforcement",)))
    assert "登记案件线索" in client.get("/cases/start").get_data(as_text=True)
    response = client.post("/cases/start/lead", data={"title": "无证生产电动自行车充电器", "lead_source": "complaint",
                                                      "reason": "12315 举报：某企业无证生产充电器并对外销售",
                                                      "enterprise_id": str(ent.id)})
    assert response.status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "penalty_case"))
    assert case.facts == {"reason": "12315 举报：某企业无证生产充电器并对外销售", "lead_source": "complaint"}
    assert case.org_unit.code == "350121" and case.enterprise_id == ent.id
    response = client.post("/cases/start/lead", data={"title": "线索", "lead_source": "sampling", "reason": "短"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写 5-4000 字的描述" in html


def test_consumer_protection_issues_circulation_side_sampling(db_session, kinds_deployed, make_user, login_as):
    client = login_as(make_user("350100", departments=("consumer_protection",)))
    response = client.post("/cases/start/sampling", data={
        "plan_name": "2026年流通领域儿童用品抽查", "product_category": "other", "product_name": "儿童服装",
        "sample_count": "20", "sampling_due": day(30)})
    assert response.status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "supervision_sampling"))
    assert (case.facts["issuing_department"], case.facts["sampling_link"]) == ("consumer_protection", "circulation")
