"""Timer lateness: how long after its due time a BPMN timer fires, with the production scheduler.

For SQLite and PostgreSQL: the in-process scheduler (runner.start_background, the regular tick
plus the wake-up at the next known due time) is started, then N cases are opened whose process
waits on a timer due LEAD seconds (more than one tick) after the case is opened, spread over a
WINDOW. Lateness = time of the `timer_fired` audit row - the timer's due time. Target: p99 < 2 s.
Env: BENCH_TIMERS (N, default 120), BENCH_TIMER_WINDOW (seconds, default 10), BENCH_PG_URL
(default QSFLOW_TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:5432/test; a private
database is created and dropped).
"""
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.pgdb import private_database

N = int(os.environ.get("BENCH_TIMERS", "120"))
WINDOW = float(os.environ.get("BENCH_TIMER_WINDOW", "10"))
TARGET_P99 = 2.0

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_bench_timer"
  targetNamespace="http://qsflow.bench">
  <bpmn:process id="bench_timer" name="定时器基准" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待到期">
      <bpmn:timerEventDefinition><bpmn:timeDate>fire_at</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def _measure(url):
    """Open N timed cases under a running scheduler; return the lateness figures for this database."""
    from app import create_app
    from app.audit.models import CaseEvent
    from app.cases.models import Case
    from app.cases.services import get_or_create_enterprise, open_case
    from app.db import db, unit_of_work
    from app.engine.deploy import deploy_files
    from app.formdefs.uscc import make_uscc
    from app.migrate import upgrade
    from app.scheduler.runner import start_background
    from app.seed.reference import ensure_reference_data, unit_by_code

    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": True})
    tick_seconds = app.config["SCHEDULER_TICK_SECONDS"]
    lead = tick_seconds + 2.0  # every timer exists at least one regular tick before it is due
    with app.app_context(), unit_of_work():
        ensure_reference_data()
        deploy_files({"bench_timer.bpmn": PROCESS.encode()}, form_exists=None)
    rng = random.Random(7)
    scheduler = start_background(app)
    due = {}
    try:
        with app.app_context():
            unit = unit_by_code("350121")
            for n in range(N):
                fire_at = datetime.now(UTC) + timedelta(seconds=lead + rng.uniform(0, WINDOW))
                with unit_of_work():
                    ent = get_or_create_enterprise(make_uscc(f"91350121MB{n:07d}"), f"定时基准企业{n}")
                    case = open_case("bench_timer", unit, title=f"定时基准{n}", enterprise=ent,
                                     facts={"fire_at": fire_at.isoformat()})
                    due[case.id] = fire_at
                db.remove()
        deadline = time.monotonic() + lead + WINDOW + 60
        fired = {}
        while time.monotonic() < deadline:
            time.sleep(1)
            with app.app_context():
                fired = dict(db.execute(select(CaseEvent.case_id, CaseEvent.created_at)
                                        .where(CaseEvent.event_type == "timer_fired")).all())
                db.remove()
            if len(fired) >= N:
                break
    finally:
        scheduler.shutdown(wait=True)
        with app.app_context():
            closed = db.scalar(select(func.count()).select_from(Case).where(Case.status == "closed"))
            db.remove()
        app.extensions["db_engine"].dispose()
    late = [(fired[cid] - at).total_seconds() for cid, at in due.items() if cid in fired]
    return {"timers": N, "fired": len(late), "cases_closed": closed, "window_s": WINDOW,
            "tick_seconds": tick_seconds, "p50_s": round(statistics.median(late), 3) if late else None,
            "p99_s": round(_percentile(late, 99), 3) if late else None,
            "max_s": round(max(late), 3) if late else None,
            "meets_target": bool(late) and len(late) == N and _percentile(late, 99) < TARGET_P99}


def _sqlite():
    with tempfile.TemporaryDirectory() as tmp:
        return _measure(f"sqlite:///{Path(tmp) / 'bench_timers.db'}")


def _postgres():
    with private_database() as url:
        return _measure(url) if url else {"skipped": "PostgreSQL unavailable"}


def run():
    """Both databases; figures in seconds."""
    return {"target_p99_s": TARGET_P99, "sqlite": _sqlite(), "postgresql": _postgres()}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
