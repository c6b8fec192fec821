"""Credit disclosure: made by the disclosure task of a penalty case, public page without login, withdrawal on
revocation, display period, JSON and CSV export by token."""
from datetime import date, timedelta

from freezegun import freeze_time
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.calendar.helpers import add_working_days
from app.cases.services import process_data
from app.engine.models import HumanTask
from app.engine.service import complete_task, start_instance
from app.exchange.models import CreditDisclosure
from app.formdefs.registry import get_registry
from app.formdefs.schema import validate_submission
from tests.dates import day, today


def _disclose(db_session, make_case, make_user, org="350121", decided=None):
    decided = decided or day(-5)
    case = make_case("penalty_case", org, start_process=False, facts={
        "decision_no": f"闽侯市监罚字〔{decided[:4]}〕{len(decided)}号", "decision_date": decided,
        "penalty_types": ["warning", "fine"], "fine_amount": 5000, "confiscation_amount": 0,
        "case_cause": "生产销售不合格电热水壶", "legal_basis": "《中华人民共和国产品质量法》第四十九条"})
    start_instance("credit_disclosure", case.id, process_data(case))
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready",
                                                     HumanTask.spec_name == "cd_disclosure"))
    clean, errors = validate_submission(get_registry().get("cd_disclosure"), {
        "disclosure_date": day(0), "disclosure_platform": "国家企业信用信息公示系统"})
    assert not errors
    credit = make_user(org, departments=("credit",))
    complete_task(task.id, credit, clean)
    return case, credit


def test_completing_the_disclosure_task_publishes_it(client, db_session, library, make_case, make_user):
    case, _credit = _disclose(db_session, make_case, make_user)
    item = db_session.scalar(select(CreditDisclosure).where(CreditDisclosure.case_id == case.id))
    assert item.party_name == case.enterprise.name and item.uscc == case.enterprise.uscc
    assert item.penalty_content == "警告；罚款 5000.00 元" and item.authority == case.org_unit.name
    assert item.violation == "生产销售不合格电热水壶" and "第四十九条" in item.legal_basis
    decided = date.fromisoformat(day(-5))
    assert item.display_until == decided.replace(year=decided.year + 3)
    page = client.get("/public/disclosures")  # no login
    assert page.status_code == 200 and item.decision_no in page.get_data(as_text=True)
    found = client.get(f"/public/disclosures?q={item.uscc}").get_data(as_text=True)
    assert item.decision_no in found
    assert item.decision_no not in client.get("/public/disclosures?q=无此企业").get_data(as_text=True)


def test_disclosure_leaves_the_page_after_the_display_period(client, db_session, library, make_case, make_user):
    case, _credit = _disclose(db_session, make_case, make_user)
    item = db_session.scalar(select(CreditDisclosure).where(CreditDisclosure.case_id == case.id))
    db_session.commit()
    with freeze_time(item.display_until - timedelta(days=1)):
        assert item.decision_no in client.get("/public/disclosures").get_data(as_text=True)
    with freeze_time(item.display_until + timedelta(days=2)):
        assert item.decision_no not in client.get("/public/disclosures").get_data(as_text=True)


def test_display_period_is_configurable(app, db_session, library, make_case, make_user):
    app.config["DISCLOSURE_DISPLAY_YEARS"] = 1
    try:
        case, _credit = _disclose(db_session, make_case, make_user)
    finally:
        app.config["DISCLOSURE_DISPLAY_YEARS"] = 3
    item = db_session.scalar(select(CreditDisclosure).where(CreditDisclosure.case_id == case.id))
    assert (item.display_until - item.decision_date).days in (365, 366)


def test_revoked_decision_is_withdrawn_at_once(client, db_session, library, make_case, make_user, login_as):
    case, credit = _disclose(db_session, make_case, make_user)
    item = db_session.scalar(select(CreditDisclosure).where(CreditDisclosure.case_id == case.id))
    web = login_as(credit)
    assert item.decision_no in web.get("/exchange/disclosures").get_data(as_text=True)
    exported = web.get("/exchange/disclosures.csv")
    assert exported.mimetype == "text/csv" and item.decision_no in exported.get_data(as_text=True)
    response = web.post(f"/exchange/disclosures/{item.id}/withdraw",
                        data={"revoked_on": today().isoformat(), "reason": "复议撤销原处罚决定"})
    assert response.status_code == 302
    db_session.expire_all()
    item = db_session.get(CreditDisclosure, item.id)
    assert item.status == "withdrawn" and item.withdrawn_at is not None
    assert item.withdraw_due.isoformat() == add_working_days(today().isoformat(), 3)
    assert f'id="disclosure-{item.id}"' not in client.get("/public/disclosures").get_data(as_text=True)
    event = db_session.scalar(select(CreditDisclosure.id).join(CaseEvent, CaseEvent.case_id == CreditDisclosure.case_id)
                              .where(CaseEvent.event_type == "disclosure_withdrawn"))
    assert event == item.id
    other = login_as(make_user(departments=("enforcement",)))
    assert other.post(f"/exchange/disclosures/{item.id}/withdraw", data={}).status_code == 403


def test_export_as_json_and_csv_within_the_tokens_region(client, db_session, library, make_case, make_user,
                                                          make_token):
    case, _credit = _disclose(db_session, make_case, make_user)
    item = db_session.scalar(select(CreditDisclosure).where(CreditDisclosure.case_id == case.id))
    _user, headers = make_token("350100", departments=("credit",), scopes=("disclosures:read",))
    listed = client.get("/api/v1/disclosures", headers=headers)
    assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "1"
    record = listed.get_json()[0]
    assert record["decision_no"] == item.decision_no and record["fine_amount"] == "5000.00"
    assert record["status"] == "published" and record["legal_representative"] == ""
    csv_text = client.get("/api/v1/disclosures/export.csv", headers=headers)
    assert csv_text.mimetype == "text/csv"
    lines = csv_text.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("行政处罚决定书文号,当事人名称,统一社会信用代码") and item.decision_no in lines[1]
    _user, elsewhere = make_token("350200", departments=("credit",), scopes=("disclosures:read",))
    assert client.get("/api/v1/disclosures", headers=elsewhere).get_json() == []


def test_task_without_a_decision_on_record_still_completes(db_session, library, make_case, make_user):
    case = make_case("penalty_case", "350121", start_process=False, facts={"decision_date": day(-2)})
    start_instance("credit_disclosure", case.id, process_data(case))
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))
    complete_task(task.id, make_user("350121", departments=("credit",)), {"disclosure_date": day(0)})
    assert db_session.get(HumanTask, task.id).status == "completed"
    assert db_session.scalar(select(CreditDisclosure).where(CreditDisclosure.case_id == case.id)) is None
