"""Time travel over a case's deadline: reminders before / at / after due sent once, escalation to heads."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.engine.models import HumanTask
from app.notifications.deadlines import reminder_stage, working_days_late
from app.notifications.models import Notification
from app.scheduler.runner import tick
from tests.engine import samples

CHINA = timezone(timedelta(hours=8))
# Monday 2026-11-23 10:00 Beijing time; a 2WD task is then due Wednesday 25th 23:59:59.
OPENED = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA)


def _at(day, hour=9):
    return datetime(2026, 11, day, hour, 0, tzinfo=CHINA) if day > 20 else datetime(2026, 12, day, hour, 0, tzinfo=CHINA)


def deadline_process(key="deadline_flow", due_rule="2WD"):
    return samples.HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="期限测试流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="现场检查">{samples.props("quality_supervision", org_level="county", due_rule=due_rule)}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def late_task(db_session, deploy_xml, make_case, make_user):
    """A county QS task due Wednesday, two county clerks, heads at county, city and another city."""
    people = {
        "clerk_a": make_user("350121"), "clerk_b": make_user("350121"),
        "other_dept": make_user("350121", departments=("enforcement",)),
        "county_head": make_user("350121", roles=("staff", "supervisor")),
        "city_head": make_user("350100", roles=("staff", "supervisor")),
        "province_head": make_user("350000", roles=("staff", "supervisor")),
        "xiamen_head": make_user("350200", roles=("staff", "supervisor")),
        "city_enf_head": make_user("350100", departments=("enforcement",), roles=("staff", "supervisor")),
    }
    deploy_xml(deadline_process())
    with freeze_time(OPENED):
        case = make_case("deadline_flow", org_code="350121")
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    return task, people


def _received(db, user):
    # Titles end with "（case number，enterprise）" (checked in test_reminder_names_case_and_enterprise).
    return [(n.kind, n.title.split("（")[0]) for n in db.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def _run_tick(app, when):
    with freeze_time(when):
        tick(app, when.astimezone(UTC))


def test_due_date_is_end_of_wednesday_and_stages_follow_the_working_calendar(late_task):
    task, _ = late_task
    assert task.due_at == datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)
    assert reminder_stage(task.due_at, _at(23, 12)) is None
    assert reminder_stage(task.due_at, _at(24, 0)) == "before"
    assert reminder_stage(task.due_at, _at(25, 8)) == "due"
    assert reminder_stage(task.due_at, _at(26, 8)) == "overdue"
    # Thursday 1, Friday 2, weekend not counted, Monday 3.
    assert [working_days_late(task.due_at, _at(d)) for d in (26, 27, 28, 29, 30)] == [1, 2, 2, 2, 3]


def test_reminder_names_case_and_enterprise_and_is_cleared_when_the_task_is_done(app, db_session, late_task):
    from app.cases.models import Case
    from app.engine.service import complete_task

    task, p = late_task
    _run_tick(app, _at(24))
    case = db_session.get(Case, task.case_id)
    told = db_session.scalars(select(Notification).where(Notification.user_id == p["clerk_a"].id)).all()
    assert [n.title for n in told] == [f"任务即将到期：现场检查（{case.number}，{case.enterprise.name}）"]
    assert told[0].read_at is None
    with freeze_time(_at(24, 10)):
        complete_task(task.id, p["clerk_a"], {})
    db_session.refresh(told[0])
    assert told[0].read_at is not None


def test_each_reminder_is_sent_once_to_each_holder(app, db_session, late_task):
    task, p = late_task
    _run_tick(app, _at(23, 15))
    assert _received(db_session, p["clerk_a"]) == []
    for _ in range(2):  # a second tick at the same stage sends nothing new
        _run_tick(app, _at(24))
    assert _received(db_session, p["clerk_a"]) == [("reminder", "任务即将到期：现场检查")]
    _run_tick(app, _at(25))
    _run_tick(app, _at(25, 18))
    _run_tick(app, _at(26))
    _run_tick(app, _at(26, 17))
    expected = [("reminder", "任务即将到期：现场检查"), ("reminder", "任务今日到期：现场检查"),
                ("overdue", "任务已超期：现场检查")]
    assert _received(db_session, p["clerk_a"]) == expected
    assert _received(db_session, p["clerk_b"]) == expected
    # Another department of the same bureau is not told; no head is escalated to after 1 working day.
    assert _received(db_session, p["other_dept"]) == []
    assert _received(db_session, p["county_head"])[-1] == ("overdue", "任务已超期：现场检查")
    assert _received(db_session, p["city_head"]) == []


def test_claimed_task_reminds_only_its_holder(app, db_session, late_task):
    task, p = late_task
    task.assignee_id = p["clerk_a"].id
    db_session.flush()
    _run_tick(app, _at(26))
    assert _received(db_session, p["clerk_a"]) == [("overdue", "任务已超期：现场检查")]
    assert _received(db_session, p["clerk_b"]) == []


def test_escalation_after_three_working_days_reaches_heads_of_bureau_and_bureau_above(app, db_session, late_task):
    task, p = late_task
    _run_tick(app, _at(30))  # Monday: 3 working days late, not yet "more than 3"
    assert not [k for k, _ in _received(db_session, p["city_head"]) if k == "escalation"]
    _run_tick(app, _at(1))  # Tuesday 1 December: 4 working days late
    _run_tick(app, _at(2))
    for head in ("county_head", "city_head"):
        assert _received(db_session, p[head]).count(("escalation", "超期升级：现场检查")) == 1
    for outsider in ("province_head", "xiamen_head", "city_enf_head", "clerk_a"):
        assert ("escalation", "超期升级：现场检查") not in _received(db_session, p[outsider])
    audit = db_session.scalars(select(CaseEvent).where(CaseEvent.human_task_id == task.id,
                                                       CaseEvent.event_type == "task_escalated")).all()
    assert len(audit) == 1 and audit[0].data["working_days_late"] == 4


def test_completed_task_is_never_reminded(app, db_session, late_task):
    task, p = late_task
    from app.engine import service

    with freeze_time(_at(24, 8)):
        service.complete_task(task.id, p["clerk_a"], {})
    _run_tick(app, _at(26))
    _run_tick(app, _at(2))
    assert _received(db_session, p["clerk_a"]) == []
    assert _received(db_session, p["county_head"]) == []


def test_moved_deadline_is_reminded_again(app, db_session, late_task):
    task, p = late_task
    _run_tick(app, _at(26))
    task = db_session.get(HumanTask, task.id)  # the tick ended the session that loaded it
    task.due_at = datetime(2026, 11, 27, 23, 59, 59, tzinfo=CHINA)  # an extension granted
    db_session.flush()
    _run_tick(app, _at(27))
    assert [k for k, _ in _received(db_session, p["clerk_a"])] == ["overdue", "reminder"]


def test_a_failing_job_does_not_stop_the_others(app, db_session, late_task, monkeypatch, caplog):
    from app.scheduler import runner

    def broken(now=None):
        raise RuntimeError("report generator exploded")

    monkeypatch.setattr(runner, "TICK_JOBS", [broken, *runner.TICK_JOBS])
    task, p = late_task
    _run_tick(app, _at(26))
    assert "scheduler job broken failed" in caplog.text
    assert _received(db_session, p["clerk_a"]) == [("overdue", "任务已超期：现场检查")]


def test_stopped_clock_is_not_reminded(app, db_session, late_task):
    task, p = late_task
    task.clock_paused_at = _at(25).astimezone(UTC)  # testing time does not count
    db_session.flush()
    _run_tick(app, _at(2))
    assert _received(db_session, p["clerk_a"]) == [] and _received(db_session, p["city_head"]) == []
