"""The enterprise's side of a rectification order: electronic service, acknowledgement, the report."""
import io
from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time

from app.calendar.helpers import add_days
from app.clock import local_date
from app.documents.service_of import record_service
from app.documents.services import issue_document, list_documents
from app.seed.reference import unit_by_code


def test_served_electronically_acknowledged_and_answered_in_the_portal(enterprise_user, case_at_order, make_user,
                                                                       client, portal_login, db_session):
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)) as clock:
        ent, user = enterprise_user()
        driver = case_at_order(ent)
        case = driver.case
        clerk = make_user("350121", ("quality_supervision",))
        doc = issue_document(case, clerk, "rectification_order", "熄火保护装置缺失，限期更换")
        svc = record_service(case, clerk, doc, method="electronic")
        assert svc.status == "pending" and svc.served_on is None
        driver.complete("hi_rectify_order", rectify_requirements="更换熄火保护装置")
        assert driver.ready_names() == []  # the clock does not run before service
        clock.move_to(datetime(2026, 3, 9, 2, 0, tzinfo=UTC))  # Monday 9 March, 10:00 Beijing
        portal_login(user)
        home = client.get("/portal/").get_data(as_text=True)
        assert case.number in home and "1 份文书待签收" in home
        page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
        assert doc.number in page and "确认签收" in page
        docx = client.get(f"/portal/cases/{case.id}/documents/{doc.id}")
        assert docx.status_code == 200 and docx.data == doc.current.content
        assert client.post(f"/portal/cases/{case.id}/services/{svc.id}/acknowledge").status_code == 302
        db_session.refresh(svc)
        assert svc.served_on == date(2026, 3, 9) and svc.acknowledged_by_id == user.id
        assert case.facts["rectification_order_served_on"] == "2026-03-09"
        # 60 days from the day of service: 8 May 2026.
        row = driver.task("hi_rectify")
        assert local_date(row.due_at) == date(2026, 5, 8) == date.fromisoformat(add_days("2026-03-09", 60))
        page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
        assert "提交期限：2026-05-08" in page and "已送达：2026-03-09" in page
        assert client.post(f"/portal/cases/{case.id}/services/{svc.id}/acknowledge").status_code == 409
        resp = client.post(f"/portal/cases/{case.id}/submit/rectification_report",
                           data={"note": "已更换全部熄火保护装置", "files": [(io.BytesIO(b"%PDF-1.4 evidence"), "证明.pdf")]},
                           content_type="multipart/form-data")
        assert resp.status_code == 302
        assert driver.ready_names() == ["hi_recheck"]
        facts = driver.case.facts
        assert facts["rectify_report"] == "已更换全部熄火保护装置" and facts["rectify_report_date"] == "2026-03-09"
        assert len(facts["rectify_files"]) == 1 and facts["rectify_evidence"] == "证明.pdf"
        # Nothing more is awaited: a second report is refused.
        again = client.post(f"/portal/cases/{case.id}/submit/rectification_report", data={"note": "再次"})
        assert again.status_code == 409


def test_an_empty_report_is_refused_with_the_page(enterprise_user, case_at_order, make_user, client, portal_login):
    ent, user = enterprise_user()
    driver = case_at_order(ent)
    clerk = make_user("350121", ("quality_supervision",))
    doc = issue_document(driver.case, clerk, "rectification_order")
    record_service(driver.case, clerk, doc, method="direct", served_on=date.today() - timedelta(days=1))
    driver.complete("hi_rectify_order")
    portal_login(user)
    resp = client.post(f"/portal/cases/{driver.case.id}/submit/rectification_report", data={"note": " "})
    assert resp.status_code == 400 and "请填写说明" in resp.get_data(as_text=True)
    assert driver.ready_names() == ["hi_rectify"]
    assert list_documents(driver.case.id)[0].services[0].status == "served"
    assert unit_by_code("350121").id == driver.case.org_unit_id


def test_self_inspection_needs_the_signed_commitment_and_reaches_the_review(enterprise_user, hazard_library,
                                                                           make_case, client, portal_login):
    from tests.documents.conftest import FACTS
    from tests.processes.conftest import CaseDriver

    ent, user = enterprise_user()
    case = make_case("hazard_investigation", "350121", facts=dict(FACTS), enterprise=ent,
                     product_category="gas_appliance", product_name="家用燃气灶具", is_key_product=True)
    driver = CaseDriver(case)
    driver.complete("hi_campaign")
    portal_login(user)
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert "熄火保护装置齐全有效" in page and "自查报告及承诺书" in page
    data = {"note": "已逐项自查", "check-0": "1", "check-2": "1"}
    refused = client.post(f"/portal/cases/{case.id}/submit/self_inspection_report", data=data)
    assert refused.status_code == 400 and "承诺" in refused.get_data(as_text=True)
    assert driver.ready_names() == ["hi_self_report"]
    ok = client.post(f"/portal/cases/{case.id}/submit/self_inspection_report", data={**data, "commitment": "1"})
    assert ok.status_code == 302
    assert driver.ready_names() == ["hi_review"]
    facts = driver.case.facts
    assert facts["self_inspection_submitted"] is True
    assert facts["self_inspection_checklist"] == "熄火保护装置齐全有效；出厂检验记录完整"


def test_a_major_risk_report_in_the_portal_reaches_the_clerk(enterprise_user, hazard_library, make_case, client,
                                                             portal_login):
    from tests.documents.conftest import FACTS
    from tests.processes.conftest import CaseDriver

    ent, user = enterprise_user()
    case = make_case("hazard_investigation", "350121", facts=dict(FACTS), enterprise=ent,
                     product_category="gas_appliance", product_name="家用燃气灶具", is_key_product=True)
    driver = CaseDriver(case)
    driver.complete("hi_campaign")
    portal_login(user)
    assert "重大风险报告" in client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    resp = client.post(f"/portal/cases/{case.id}/submit/major_risk_report", data={"note": "一批产品熄火保护失效"})
    assert resp.status_code == 302
    assert driver.ready_names() == ["hi_major_risk", "hi_self_report"]
    assert driver.case.facts["major_risk_report"] == "一批产品熄火保护失效"
