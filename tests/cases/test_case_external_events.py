"""Registering outside events (objection, hearing request) on the case page, over the real processes."""
import io

import pytest
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.db import db
from app.engine.models import HumanTask, PendingMessage

# library: processes/ deployed with the real form check; clock: frozen at Monday 2026-03-02 09:00 Beijing.
from tests.processes.conftest import CaseDriver, clock, library  # noqa: F401  (fixtures)

FAILED_SAMPLE = {"sample_no": "GB260001", "test_report_no": "FJQI-2026-0123", "test_lab": "福建省产品质量检验研究院",
                 "test_date": "2026-02-26", "is_food": False, "is_consumer_product": True, "goods_value": 86000,
                 "failed_items": [{"item": "绝缘电阻", "limit": "≥2MΩ", "measured": "0.5MΩ", "is_safety": True}]}


@pytest.fixture()
def notified(library, clock, make_case):
    """A county failed-sample case whose written notice was served: the objection window is open."""
    driver = CaseDriver(make_case("failed_sample_disposal", "350121", facts=FAILED_SAMPLE,
                                  product_category="wire_cable", product_name="聚氯乙烯绝缘电缆"))
    driver.complete("fs_register")
    driver.complete("fs_notice", notice_date="2026-03-02", notice_served_date="2026-03-02")
    return driver


def ready(case_id):
    return list(db.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready")))


def register(client, case_id, **form):
    data = {"message": "objection", "received_date": "2026-03-02", "note": "企业来函申请复检", **form}
    return client.post(f"/cases/{case_id}/external", data=data)


def test_clerk_registers_objection_and_the_retest_is_to_be_engaged(notified, make_user, login_as):
    case = notified.case
    clerk = make_user("350121", departments=("quality_supervision",))
    client = login_as(clerk)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    section = html[html.index('id="external"'):]
    # Awaited first, marked as waiting; the hearing request of the penalty path is listed after it.
    assert section.index("登记异议申请") < section.index("等待中") < section.index("登记听证申请")
    assert "收到异议及复检申请" in section

    response = register(client, case.id, note="福建某某电器有限公司来函，对绝缘电阻项目提出异议")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}#external")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已登记异议申请，流程已据此继续办理" in page
    # The bureau engages a testing body other than the first lab for the retest.
    retest = [t for t in ready(case.id) if t.spec_name == "fs_assign_retest"]
    assert retest and retest[0].department_code == "quality_supervision" and retest[0].org_unit_id == case.org_unit_id
    events = {e.event_type: e for e in db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))}
    assert events["external_event_registered"].actor_id == clerk.id
    assert "对绝缘电阻项目提出异议" in events["external_event_registered"].summary
    assert events["message_received"].data["payload"] == {
        "received_date": "2026-03-02", "note": "福建某某电器有限公司来函，对绝缘电阻项目提出异议",
        "registered_by": clerk.id, "attachment_ids": []}
    # The engine's own timeline row says what the process calls the message, not its code name.
    assert events["message_received"].summary == "收到异议及复检申请"
    # The timeline names the clerk.
    assert "登记外部事项" in page and clerk.display_name in page


def test_other_city_gets_404_and_a_credit_clerk_without_a_task_403(notified, make_user, login_as):
    case = notified.case
    client = login_as(make_user("350200", departments=("quality_supervision",)))
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert register(client, case.id).status_code == 404

    client = login_as(make_user("350121", departments=("credit",)))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "仅承办过本案环节的科室人员可以登记" in html and 'name="received_date"' not in html
    assert register(client, case.id).status_code == 403
    assert not [t for t in ready(case.id) if t.spec_name == "fs_assign_retest"]


def test_city_clerk_of_the_department_may_register_for_a_county_case(notified, make_user, login_as):
    client = login_as(make_user("350100", departments=("quality_supervision",)))
    assert register(client, notified.case.id).status_code == 302
    assert "fs_assign_retest" in [t.spec_name for t in ready(notified.case.id)]


def test_bad_input_is_refused_with_what_was_typed_kept(notified, make_user, make_case, login_as):
    case = notified.case
    client = login_as(make_user("350121", departments=("quality_supervision",)))
    response = register(client, case.id, received_date="2026-03-03", note="明天才到的来函")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "收到日期不能晚于今天" in html
    assert "明天才到的来函" in html and 'value="2026-03-03"' in html
    response = register(client, case.id, note="   ")
    assert response.status_code == 400 and "必填项" in response.get_data(as_text=True)
    response = register(client, case.id, message="payment")
    assert response.status_code == 400 and "本案流程不接收该外部事项" in response.get_data(as_text=True)
    # A document of another case cannot be named.
    other = make_case("failed_sample_disposal", "350121", facts=FAILED_SAMPLE, product_category="wire_cable",
                      product_name="电缆")
    upload = client.post(f"/cases/{other.id}/attachments",
                         data={"file": (io.BytesIO(b"%PDF-1.4 test"), "letter.pdf")})
    assert upload.status_code == 302
    from app.cases.attachments import list_attachments

    foreign = list_attachments(other.id)[0].id
    response = register(client, case.id, attachment_ids=[str(foreign)])
    assert response.status_code == 400 and "所选附件不属于本案" in response.get_data(as_text=True)
    assert not [t for t in ready(case.id) if t.spec_name == "fs_assign_retest"]
    # The case's own document is accepted and travels in the payload.
    client.post(f"/cases/{case.id}/attachments", data={"file": (io.BytesIO(b"%PDF-1.4 letter"), "objection.pdf")})
    own = list_attachments(case.id)[0].id
    assert register(client, case.id, attachment_ids=[str(own)]).status_code == 302
    received = db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.event_type == "message_received")).one()
    assert received.data["payload"]["attachment_ids"] == [own]


def test_posting_needs_the_csrf_token(csrf_enabled, notified, make_user):
    client = csrf_enabled.test_client()
    user = make_user("350121", departments=("quality_supervision",))
    client.post("/login", data={"username": user.username, "password": "pw-123456"})
    assert register(client, notified.case.id).status_code == 400
    assert not [t for t in ready(notified.case.id) if t.spec_name == "fs_assign_retest"]


def test_hearing_request_before_the_pre_decision_notice_is_stored_then_delivered(library, clock, make_case,
                                                                                make_user, login_as):
    driver = CaseDriver(make_case("penalty_case", "350121", facts={"reason": "抽检不合格，涉嫌生产不合格产品"}))
    driver.complete("pc_lead_check", open_decision="open", request_open_extension=False)
    client = login_as(make_user("350121", departments=("enforcement",)))
    html = client.get(f"/cases/{driver.case.id}").get_data(as_text=True)
    assert "登记听证申请" in html and "当前未在等待" in html
    response = register(client, driver.case.id, message="hearing_request", note="当事人提前提交听证申请书")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "事项已暂存" in page and "已暂存 1 件" in page
    assert db.scalars(select(PendingMessage).where(PendingMessage.case_id == driver.case.id)).one().delivered_at is None
    driver.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    driver.complete("pc_pre_notice", pre_notice_date="2026-03-02")
    # Reaching the hearing window delivered the stored request: the hearing is organised.
    assert driver.ready_names() == ["pc_hearing"]
    assert db.scalars(select(PendingMessage).where(PendingMessage.case_id == driver.case.id)).one().delivered_at


def test_english_page_and_messages(notified, make_user, login_as):
    client = login_as(make_user("350121", departments=("quality_supervision",)))
    client.post("/locale", data={"locale": "en"})
    html = client.get(f"/cases/{notified.case.id}").get_data(as_text=True)
    assert "Register incoming items" in html and "Register objection" in html and "Date received" in html
    assert "登记外部事项" not in html
    response = register(client, notified.case.id, received_date="2026-03-09")
    assert response.status_code == 400 and "The date received cannot be later than today" in response.get_data(
        as_text=True)
    response = register(client, notified.case.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Registered the objection; the process continues from it" in page


def test_no_section_when_the_process_catches_nothing(library, clock, make_case, make_user, login_as):
    case = make_case("risk_monitoring", "350121", facts={"signal_source": "complaint",
                                                          "signal_description": "消费者投诉电动自行车充电器发热"})
    client = login_as(make_user("350121", departments=("quality_supervision",)))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "基本信息" in html and 'id="external"' not in html
    response = register(client, case.id)
    assert response.status_code == 400 and "本案流程不接收该外部事项" in response.get_data(as_text=True)
