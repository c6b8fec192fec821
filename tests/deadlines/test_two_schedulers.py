"""Two scheduler workers on PostgreSQL, each with its own connection: every due timer fires exactly once."""
import os
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from app.audit.models import CaseEvent
from app.auth.accounts import create_user
from app.cases.services import get_or_create_enterprise, open_case
from app.db import db, unit_of_work
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask, ProcessInstance
from app.formdefs.uscc import make_uscc
from app.notifications.models import Notification
from app.scheduler.runner import tick
from app.seed.reference import unit_by_code
from tests.engine import samples

pytestmark = pytest.mark.skipif(not os.environ.get("QSFLOW_TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="row claims between two workers need PostgreSQL")
N = 40


def timer_process(key="timed_flow"):
    return samples.HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="定时流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待期满">
      <bpmn:timerEventDefinition><bpmn:timeDate>fire_at</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="after"/>
    <bpmn:userTask id="after" name="期满处理">{samples.props("quality_supervision", org_level="county", due_rule="1WD")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_two_workers_fire_each_timer_once_and_remind_once(app, committed_db):
    opened = datetime.now(timezone.utc) - timedelta(days=10)
    with freeze_time(opened), unit_of_work():
        deploy_files({"timed.bpmn": timer_process().encode()}, form_exists=None)
        unit = unit_by_code("350121")
        create_user("timer_clerk", "pw-123456", "定时经办", unit, ["quality_supervision"])
        ent = get_or_create_enterprise(make_uscc("91350121MA0000077"), "定时测试企业")
        fire_at = (opened + timedelta(hours=1)).isoformat()
        case_ids = [open_case("timed_flow", unit, title=f"定时{n}", enterprise=ent, facts={"fire_at": fire_at}).id
                    for n in range(N)]
    db.remove()

    barrier = threading.Barrier(2)
    handled, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            handled.append(tick(app))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    assert sum(handled) == N, handled
    with app.app_context():
        fired = Counter(db.scalars(select(CaseEvent.instance_id).where(CaseEvent.event_type == "timer_fired")))
        assert len(fired) == N and set(fired.values()) == {1}
        tasks_per_case = Counter(db.scalars(select(HumanTask.case_id).where(HumanTask.spec_name == "after")))
        assert sorted(tasks_per_case) == sorted(case_ids) and set(tasks_per_case.values()) == {1}
        assert db.scalar(select(func.count()).select_from(ProcessInstance)
                         .where(ProcessInstance.next_timer_at.is_not(None))) == 0
    # Reminder jobs ran in both workers (one at a time: advisory lock); one more tick catches up
    # anything a skipped worker left, and every new task was still reminded exactly once.
    tick(app)
    with app.app_context():
        clerk_keys = list(db.scalars(select(Notification.dedupe_key).join(
            HumanTask, HumanTask.id == Notification.human_task_id).where(HumanTask.spec_name == "after")))
        assert len(clerk_keys) == N and all(k.startswith("reminder:before:") for k in clerk_keys)
        db.remove()
