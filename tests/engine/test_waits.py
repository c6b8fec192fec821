"""Waiting states: what an instance waits for besides human work (a window that ends at a time, a message that
ends it early), as the case page, the inbox and the flash after a step show it."""
import json

import pytest
from sqlalchemy import select

from app.engine import service
from app.engine.models import HumanTask
from app.engine.waits import case_waits
from tests.dates import day
from tests.engine import samples


def _ready(db_session, case_id):
    return list(db_session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                           HumanTask.status == "ready")))


@pytest.fixture()
def test_form(app, tmp_path):
    """The samples' form key test_form, with no fields (a plain confirmation step)."""
    (tmp_path / "test_form.json").write_text(json.dumps({"key": "test_form", "title": "确认", "fields": []}), "utf-8")
    previous = app.config["FORMS_DIR"]
    app.config["FORMS_DIR"] = str(tmp_path)
    yield
    app.config["FORMS_DIR"] = previous


def test_objection_window_is_a_wait_with_its_deadline_and_message(db_session, deploy_xml, make_case, make_user,
                                                                   login_as, test_form):
    deploy_xml(samples.message_process())
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case("objection_flow", facts={"objection_deadline": f"{day(10)}T23:59:00+08:00"})
    assert case_waits(case.id) == []  # the notice is still open: nothing awaited yet
    [notice] = _ready(db_session, case.id)
    client = login_as(clerk)
    client.post(f"/inbox/tasks/{notice.id}/claim")
    response = client.post(f"/inbox/tasks/{notice.id}/complete", data={}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"「告知」已办结，案件正在等待：收到异议（至 {day(10)} 23:59；收到异议可提前结束）" in html
    [wait] = case_waits(case.id)
    assert wait.messages == ("收到异议",) and wait.until is not None
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "当前没有待办环节，案件正在等待：" in page and f"至 {day(10)} 23:59" in page
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert "我经办的案件正在等待" in inbox and case.number in inbox
    # The objection arrives: the wait is over, the retest is open.
    service.send_message(case.id, "objection", {"reason": "送检样品非本企业生产"})
    assert case_waits(case.id) == []
    assert "我经办的案件正在等待" not in client.get("/inbox/").get_data(as_text=True)


def test_a_task_deadline_timer_is_not_a_wait(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    case = make_case("review_flow")
    [review] = _ready(db_session, case.id)
    service.complete_task(review.id, make_user("350121", ["quality_supervision"]), {"approved": True})
    assert [t.spec_name for t in _ready(db_session, case.id)] == ["act"]
    assert case_waits(case.id) == []  # 处理超期 is the boundary timer of the open task
