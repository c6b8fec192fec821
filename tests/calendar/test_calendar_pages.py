"""The working calendar page: a system admin enters a year's State Council schedule and confirms it; until
then every deadline in that year is marked as an estimate on the task, inbox and case pages."""
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.calendar.overrides import load_override_map
from app.calendar.workdays import get_calendar
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask
from tests.cases.case_bpmn import lifecycle_xml

NOW = "2026-12-10 02:00:00"  # Thursday 10:00 in Beijing
DUE_2027 = datetime(2027, 2, 18, 15, 59, 59, tzinfo=UTC)  # 2027-02-18 23:59:59 Beijing


@pytest.fixture()
def admin(make_user, login_as):
    return login_as(make_user("350000", ["it_office"], ["staff", "system_admin"]))


@freeze_time(NOW)
def test_admin_enters_and_confirms_a_year(admin, db_session):
    page = admin.get("/admin/calendar/").get_data(as_text=True)
    assert "2027" in page and "未录入：按周一至周五估算" in page
    response = admin.post("/admin/calendar/2027/holidays", data={"first": "2027-02-06", "last": "2027-02-13",
                                                                 "note": "春节"})
    assert response.status_code == 302
    assert admin.post("/admin/calendar/2027/workdays", data={"day": "2027-02-20", "note": "春节调休上班"}).status_code == 302
    entered = load_override_map()
    assert sum(1 for d, w in entered.items() if d.year == 2027 and not w) == 8 and entered[datetime(2027, 2, 20).date()]
    calendar = get_calendar()
    assert not calendar.is_workday(datetime(2027, 2, 8).date()) and calendar.is_workday(datetime(2027, 2, 20).date())
    assert not calendar.is_year_covered(2027)
    response = admin.post("/admin/calendar/2027/confirm", data={"source": "国办发明电〔2026〕7号"})
    assert response.status_code == 302 and get_calendar().is_year_covered(2027)
    year = admin.get("/admin/calendar/2027").get_data(as_text=True)
    assert "已确认录入完整" in year and "国办发明电〔2026〕7号" in year and "2027-02-20" in year


@freeze_time(NOW)
def test_bad_entries_are_refused_beside_the_field(admin, db_session):
    response = admin.post("/admin/calendar/2027/holidays", data={"first": "2027-02-13", "last": "2027-02-06"})
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.get_data(as_text=True)
    response = admin.post("/admin/calendar/2027/holidays", data={"first": "2028-01-01", "last": "2028-01-02"})
    assert response.status_code == 400 and "须在 2027 年内" in response.get_data(as_text=True)
    response = admin.post("/admin/calendar/2027/workdays", data={"day": "2027-02-30"})
    assert response.status_code == 400 and "请输入有效日期" in response.get_data(as_text=True)
    response = admin.post("/admin/calendar/2027/confirm", data={"source": "国办发明电〔2026〕7号"})
    assert response.status_code == 400 and "尚未录入任何放假或调休安排" in response.get_data(as_text=True)
    assert admin.get("/admin/calendar/99999").status_code == 404
    assert load_override_map() == {}


def test_only_system_admins_edit_the_calendar(make_user, login_as):
    clerk = login_as(make_user("350121"))
    assert clerk.get("/admin/calendar/").status_code == 403
    assert clerk.post("/admin/calendar/2027/workdays", data={"day": "2027-02-20"}).status_code == 403


@freeze_time(NOW)
def test_deadline_in_an_unconfirmed_year_is_marked_as_estimate(admin, db_session, make_user, make_case, login_as):
    deploy_files({"hazard_investigation.bpmn": lifecycle_xml("hazard_investigation").encode()}, form_exists=None)
    clerk = make_user("350121")
    case = make_case("hazard_investigation", user_id=clerk.id)
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))
    task.due_at = DUE_2027
    db_session.flush()
    client = login_as(clerk)
    for url in (f"/inbox/tasks/{task.id}", "/inbox/department", f"/cases/{case.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "calendar-estimate" in html and "2027 年的节假日安排尚未录入" in html, url
    login_as(make_user("350000", ["it_office"], ["staff", "system_admin"]))
    client.post("/admin/calendar/2027/holidays", data={"first": "2027-02-06", "last": "2027-02-13", "note": "春节"})
    client.post("/admin/calendar/2027/confirm", data={"source": "国办发明电〔2026〕7号"})
    login_as(clerk)
    assert "calendar-estimate" not in client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
