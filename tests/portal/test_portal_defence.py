"""The penalty pre-notice from the enterprise's side: acknowledged in the portal, the hearing window runs from
that day, and the statement of defence (陈述申辩) reaches the process without closing the window."""
from datetime import UTC, datetime
from pathlib import Path

from freezegun import freeze_time

from app.documents.service_of import record_service
from app.documents.services import issue_document
from app.engine.deploy import deploy_files
from tests.processes.conftest import CaseDriver
from tests.processes.test_penalty_case import REASON, open_and_investigate

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def test_pre_notice_acknowledged_then_statement_of_defence_and_hearing_request(enterprise_user, make_case, client,
                                                                               portal_login, db_session):
    files = ("penalty_case", "credit_disclosure", "listed_supervision")
    deploy_files({f"{k}.bpmn": (PROCESSES / f"{k}.bpmn").read_bytes() for k in files})
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)) as clock:
        ent, user = enterprise_user("闽侯县申辩电器有限公司")
        driver = CaseDriver(make_case("penalty_case", "350121", facts=dict(REASON), enterprise=ent))
        case = driver.case
        open_and_investigate(driver)
        driver.complete("pc_investigation", needs_testing=False, seizure_applied=False)
        clerk = driver.user_for(driver.task("pc_pre_notice"))
        driver.complete("pc_pre_notice", pre_notice_date=None)
        doc = issue_document(case, clerk, "penalty_pre_notice", "拟罚款人民币伍万元")
        svc = record_service(case, clerk, doc, method="electronic")
        portal_login(user)
        page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
        assert "陈述申辩" not in page  # not before the notice is served
        clock.move_to(datetime(2026, 3, 4, 2, 0, tzinfo=UTC))  # Wednesday 4 March, 10:00 Beijing
        assert client.post(f"/portal/cases/{case.id}/services/{svc.id}/acknowledge").status_code == 302
        page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
        # Five working days from the acknowledgement.
        assert "陈述申辩" in page and "听证申请" in page and "提交期限：2026-03-11" in page
        resp = client.post(f"/portal/cases/{case.id}/submit/statement_of_defence",
                           data={"note": "违法行为系初次，且已主动召回全部产品"})
        assert resp.status_code == 302
        # The window stays open: the enterprise may still ask for a hearing.
        assert driver.ready_names() == []
        page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
        assert "听证申请" in page and "提交期限：2026-03-11" in page
        resp = client.post(f"/portal/cases/{case.id}/submit/hearing_request", data={"note": "申请听证"})
        assert resp.status_code == 302
        assert driver.ready_names() == ["pc_hearing"]
