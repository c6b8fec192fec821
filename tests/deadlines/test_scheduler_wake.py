"""The running scheduler fires a timer when it falls due, not at the next regular tick."""
import time
from datetime import timedelta

from sqlalchemy import select

from app.audit.models import CaseEvent
from app.cases.services import get_or_create_enterprise, open_case
from app.db import db, unit_of_work, utcnow
from app.engine.deploy import deploy_files
from app.formdefs.uscc import make_uscc
from app.scheduler.runner import start_background
from app.seed.reference import unit_by_code
from tests.engine import samples


def timer_process(key="wake_flow"):
    return samples.HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="唤醒测试" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDate>fire_at</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_timer_fires_on_time_though_the_tick_is_a_minute(app, committed_db, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_TICK_SECONDS", 60)
    due = utcnow() + timedelta(seconds=3)
    with unit_of_work():
        deploy_files({"wake.bpmn": timer_process().encode()}, form_exists=None)
        ent = get_or_create_enterprise(make_uscc("91350121MA0000088"), "唤醒测试企业")
        case_id = open_case("wake_flow", unit_by_code("350121"), title="唤醒", enterprise=ent,
                            facts={"fire_at": due.isoformat()}).id
    db.remove()
    scheduler = start_background(app)
    try:
        fired_at = None
        for _ in range(40):
            time.sleep(0.25)
            fired_at = db.scalar(select(CaseEvent.created_at).where(CaseEvent.case_id == case_id,
                                                                   CaseEvent.event_type == "timer_fired"))
            db.remove()
            if fired_at is not None:
                break
    finally:
        scheduler.shutdown(wait=True)
    assert fired_at is not None, "the timer did not fire within 10 s (regular tick is 60 s)"
    assert due <= fired_at < due + timedelta(seconds=2)
