"""The objection window of a failed-sample case, from the enterprise's side (the process is not changed)."""
from datetime import UTC, date, datetime
from pathlib import Path

from freezegun import freeze_time

from app.engine.deploy import deploy_files
from tests.processes.conftest import CaseDriver

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
FAILED = {"sample_no": "GB26PT01", "test_report_no": "FJQI-2026-0999", "test_lab": "福建省产品质量检验研究院",
          "test_date": "2026-02-26", "is_food": False, "is_consumer_product": False, "goods_value": 8000,
          "failed_items": [{"item": "导体电阻", "limit": "≤18.1Ω/km", "measured": "21.3Ω/km", "is_safety": True}]}


def test_an_objection_in_the_window_reaches_the_retest(enterprise_user, make_case, client, portal_login, db_session):
    files = ("failed_sample_disposal", "penalty_case", "credit_disclosure", "recall", "listed_supervision")
    deploy_files({f"{k}.bpmn": (PROCESSES / f"{k}.bpmn").read_bytes() for k in files if (PROCESSES / f"{k}.bpmn").exists()})
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)):
        ent, user = enterprise_user("闽侯县异议电缆有限公司")
        case = make_case("failed_sample_disposal", "350121", facts=dict(FAILED), enterprise=ent,
                         product_category="wire_cable", product_name="BV 电线", is_key_product=True)
        driver = CaseDriver(case)
        driver.complete("fs_register")
        driver.complete("fs_notice", notice_date="2026-03-02", notice_served_date="2026-03-02")
        portal_login(user)
        page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
        assert "异议及复检申请" in page
        # 15 days from receipt of the notice.
        assert "提交期限：2026-03-17" in page
        resp = client.post(f"/portal/cases/{case.id}/submit/objection", data={"note": "对导体电阻项目有异议，申请复检"})
        assert resp.status_code == 302
        assert "fs_assign_retest" in driver.ready_names()  # the objection engages a retest lab
        assert date(2026, 3, 2) == date.fromisoformat(driver.case.facts["notice_served_date"])
