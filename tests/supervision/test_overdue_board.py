"""Overdue board and listed supervision: heads only, scope by bureau, actions audited and CSRF-protected."""
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.cases.models import Case
from app.engine.models import HumanTask
from app.notifications.models import Notification
from tests.engine import samples

CHINA = timezone(timedelta(hours=8))
OPENED = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA)  # Monday
LOOKED = datetime(2026, 11, 27, 9, 0, tzinfo=CHINA)  # Friday: 2WD tasks 2 working days late


def process(key, due_rule):
    return samples.HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="督办测试" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="{key}检查">{samples.props("quality_supervision", org_level="county", due_rule=due_rule)}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def world(db_session, deploy_xml, make_case, make_user):
    """Late tasks in 闽侯 (Fuzhou) and 思明 (Xiamen), a due-soon one in 闽侯, and the people around them."""
    deploy_xml(process("late_flow", "2WD"), filename="late.bpmn")
    deploy_xml(process("soon_flow", "6WD"), filename="soon.bpmn")
    deploy_xml(process("listed_supervision", "10WD"), filename="listed.bpmn")
    with freeze_time(OPENED):
        minhou = make_case("late_flow", org_code="350121", title="闽侯某燃气具厂检查", product_category="gas_appliance")
        siming = make_case("late_flow", org_code="350203", title="思明某电线厂检查", product_category="wire_cable")
        soon = make_case("soon_flow", org_code="350121", title="闽侯某水泥厂检查", product_category="cement")
    task_of = {c.id: db_session.scalar(select(HumanTask).where(HumanTask.case_id == c.id)) for c in (minhou, siming, soon)}
    return {
        "minhou": minhou, "siming": siming, "soon": soon, "task": task_of,
        "fz_head": make_user("350100", roles=("staff", "supervisor")),
        "xm_head": make_user("350200", roles=("staff", "supervisor")),
        "mh_head": make_user("350121", roles=("staff", "supervisor")),
        "clerk": make_user("350121"), "clerk2": make_user("350121"),
    }


def login(client, user):
    client.post("/login", data={"username": user.username, "password": "pw-123456"})


def page(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_staff_cannot_open_the_boards_or_act(client, world):
    login(client, world["clerk"])
    with freeze_time(LOOKED):
        assert client.get("/supervision/overdue").status_code == 403
        assert client.get("/supervision/listed").status_code == 403
        task = world["task"][world["minhou"].id]
        assert client.post(f"/supervision/tasks/{task.id}/remind").status_code == 403
    assert "超期督办" not in client.get("/").get_data(as_text=True)


def test_city_head_sees_own_counties_not_the_other_city(client, world):
    login(client, world["fz_head"])
    with freeze_time(LOOKED):
        status, html = page(client, "/supervision/overdue?group=region")
    assert status == 200
    assert "闽侯县" in html and world["minhou"].number in html and world["soon"].number in html
    assert world["siming"].number not in html and "思明" not in html
    assert "超期 2 个工作日" in html and "剩余 2 个工作日" in html
    client.post("/logout")
    login(client, world["xm_head"])
    with freeze_time(LOOKED):
        _, html = page(client, "/supervision/overdue?state=overdue")
    assert world["siming"].number in html and world["minhou"].number not in html


def test_board_groups_and_filters(client, world):
    login(client, world["fz_head"])
    with freeze_time(LOOKED):
        _, by_category = page(client, "/supervision/overdue?group=category&state=overdue")
        _, due_soon = page(client, "/supervision/overdue?state=due_soon")
        status, bad = page(client, "/supervision/overdue?group=nonsense")
    assert "燃气器具" in by_category and world["soon"].number not in by_category
    assert world["soon"].number in due_soon and world["minhou"].number not in due_soon
    assert status == 400 and "筛选条件无效" in bad


def test_remind_notifies_holders_and_is_audited(client, db_session, world):
    task = world["task"][world["minhou"].id]
    login(client, world["fz_head"])
    with freeze_time(LOOKED):
        response = client.post(f"/supervision/tasks/{task.id}/remind", data={"note": "请本周内办结"},
                               follow_redirects=True)
    assert "督办提醒" in response.get_data(as_text=True)
    told = db_session.scalars(select(Notification).where(Notification.human_task_id == task.id)).all()
    assert {n.user_id for n in told} >= {world["clerk"].id, world["clerk2"].id}
    case = db_session.get(Case, task.case_id)
    assert all(n.title.startswith(f"督办提醒：late_flow检查（{case.number}，") and "请本周内办结" in n.body for n in told)
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.human_task_id == task.id,
                                                      CaseEvent.event_type == "task_reminded"))
    assert event is not None and event.actor_id == world["fz_head"].id


def test_remind_outside_scope_is_not_found(client, db_session, world):
    task = world["task"][world["siming"].id]
    login(client, world["fz_head"])
    assert client.post(f"/supervision/tasks/{task.id}/remind").status_code == 404
    assert db_session.scalar(select(Notification).where(Notification.human_task_id == task.id)) is None


def test_actions_need_csrf(client, db_session, world, csrf_enabled):
    task = world["task"][world["minhou"].id]
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": world["fz_head"].username, "password": "pw-123456", "csrf_token": token})
    assert client.post(f"/supervision/tasks/{task.id}/remind").status_code == 400
    assert client.post(f"/supervision/cases/{world['minhou'].id}/list", data={"reason": "重大隐患"}).status_code == 400
    assert db_session.scalar(select(Notification).where(Notification.human_task_id == task.id)) is None
    assert db_session.scalar(select(Case).where(Case.kind == "listed_supervision")) is None


def test_county_head_reassigns_and_new_holder_is_told(client, db_session, world):
    task = world["task"][world["minhou"].id]
    login(client, world["mh_head"])
    with freeze_time(LOOKED):
        form = client.get(f"/supervision/tasks/{task.id}/reassign").get_data(as_text=True)
        assert world["clerk2"].display_name in form
        bad = client.post(f"/supervision/tasks/{task.id}/reassign", data={"reason": "x"})
        assert bad.status_code == 400 and "请选择承办人" in bad.get_data(as_text=True)
        ok = client.post(f"/supervision/tasks/{task.id}/reassign",
                         data={"assignee_id": world["clerk2"].id, "reason": "原承办人出差"})
    assert ok.status_code == 302
    assert db_session.get(HumanTask, task.id).assignee_id == world["clerk2"].id
    assert db_session.scalar(select(Notification).where(Notification.user_id == world["clerk2"].id,
                                                        Notification.kind == "assignment")) is not None
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.human_task_id == task.id,
                                                      CaseEvent.event_type == "task_assigned"))
    assert event.data["reason"] == "原承办人出差"


def test_city_head_lists_a_case_and_sees_it_on_the_listed_board(client, db_session, world):
    parent = world["minhou"]
    login(client, world["fz_head"])
    with freeze_time(LOOKED):
        empty = client.post(f"/supervision/cases/{parent.id}/list", data={"reason": " "})
        assert empty.status_code == 400 and "挂牌督办理由" in empty.get_data(as_text=True)
        response = client.post(f"/supervision/cases/{parent.id}/list",
                               data={"reason": "重大隐患逾期未整改", "due_date": "2026-12-31"})
        assert response.status_code == 302
        status, board = page(client, response.headers["Location"])
    listed = db_session.scalar(select(Case).where(Case.kind == "listed_supervision"))
    assert listed.org_unit_id == parent.org_unit_id
    assert listed.facts["listing_level"] == "city" and listed.facts["parent_case_number"] == parent.number
    assert status == 200 and listed.number in board and "市局挂牌" in board and "2026-12-31" in board
    audit = db_session.scalar(select(CaseEvent).where(CaseEvent.case_id == parent.id,
                                                      CaseEvent.event_type == "listed_supervision_opened"))
    assert audit.actor_id == world["fz_head"].id and audit.data["listing_case_id"] == listed.id
    client.post("/logout")
    login(client, world["xm_head"])
    assert listed.number not in page(client, "/supervision/listed")[1]


def test_county_head_proposes_listing_to_the_city(client, db_session, world):
    login(client, world["mh_head"])
    form = client.get(f"/supervision/cases/{world['minhou'].id}/list").get_data(as_text=True)
    assert "市局挂牌" in form and "提请挂牌" in form and "由市局作出是否挂牌的决定" in form
    response = client.post(f"/supervision/cases/{world['minhou'].id}/list", data={"reason": "重大隐患"})
    assert response.status_code == 302
    listed = db_session.scalar(select(Case).where(Case.kind == "listed_supervision"))
    assert listed.facts["listing_level"] == "city" and listed.facts["listed_by_user_id"] == world["mh_head"].id
    # The same case cannot be listed from outside the bureau's jurisdiction.
    client.post("/logout")
    login(client, world["xm_head"])
    assert client.post(f"/supervision/cases/{world['minhou'].id}/list", data={"reason": "x" * 5}).status_code == 404


def test_board_in_english(client, world):
    with freeze_time(LOOKED):
        login(client, world["fz_head"])
        client.post("/locale", data={"locale": "en"})
        _, html = page(client, "/supervision/overdue")
    assert "Overdue board" in html and "2 working days late" in html and "Remind" in html


def test_stopped_clock_is_not_on_the_board(client, db_session, world):
    task = world["task"][world["minhou"].id]
    task.clock_paused_at = OPENED.astimezone(UTC)
    db_session.flush()
    login(client, world["fz_head"])
    with freeze_time(LOOKED):
        _, html = page(client, "/supervision/overdue")
    assert world["minhou"].number not in html and world["soon"].number in html


def test_listed_board_rejects_unknown_status(client, world):
    login(client, world["fz_head"])
    response = client.get("/supervision/listed?status=bogus")
    assert response.status_code == 400 and "筛选条件无效" in response.get_data(as_text=True)


def test_a_head_first_sees_their_own_departments_tasks(client, world, make_user):
    enforcement_head = make_user("350100", departments=("enforcement",), roles=("staff", "supervisor"))
    login(client, enforcement_head)
    with freeze_time(LOOKED):
        _status, own = page(client, "/supervision/overdue")
        _status, everything = page(client, "/supervision/overdue?department=all")
    # The late tasks are quality supervision's: not on an enforcement head's default view, one choice away.
    assert world["minhou"].number not in own and '<option value="enforcement" selected' in own
    assert world["minhou"].number in everything and '<option value="all" selected' in everything
    client.post("/logout")
    login(client, world["fz_head"])
    with freeze_time(LOOKED):
        _status, qs_view = page(client, "/supervision/overdue")
    assert world["minhou"].number in qs_view
def test_board_pages_its_rows_but_counts_every_task(client, world, make_case, monkeypatch):
    from app.supervision import services

    with freeze_time(OPENED):
        extra = [make_case("late_flow", org_code="350121", title=f"闽侯追加检查{n}", product_category="cement")
                 for n in range(2)]
    monkeypatch.setattr(services, "BOARD_PER_PAGE", 2)
    login(client, world["fz_head"])
    with freeze_time(LOOKED):
        _, first = page(client, "/supervision/overdue?group=region")
        _, second = page(client, "/supervision/overdue?group=region&page=2")
        _, past_end = page(client, "/supervision/overdue?group=region&page=99")
    numbers = [world["minhou"].number, world["soon"].number] + [c.number for c in extra]
    shown = [[n for n in numbers if n in html] for html in (first, second)]
    # Four tasks in 闽侯, two per page: the late ones first, each on exactly one page; the counts cover all.
    assert len(shown[0]) == 2 and len(shown[1]) == 2 and set(shown[0] + shown[1]) == set(numbers)
    assert world["soon"].number in shown[1]
    assert "超期 3" in first and "临期 1" in first and "第 1 / 2 页" in first
    assert "第 2 / 2 页" in past_end
