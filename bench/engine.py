"""Task completion cost: SpiffWorkflow alone in memory vs our persisted engine (SQLite, PostgreSQL).

The same sequence of completions (same process, same form data) runs three ways:
  (a) in memory: task.data.update(); task.run(); do_engine_steps()        (the floor)
  (b) persisted on SQLite and (c) on PostgreSQL: service.complete_task() in its own transaction
      (lock, deserialize, act, serialize, inbox sync, next timer, audit, commit).
"""
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, select

from bench.pgdb import private_database

# The key-product investigation: the longest chain of user tasks in the library (campaign to close-out).
PROCESS_KEY = os.environ.get("BENCH_PROCESS", "hazard_investigation")
CASES = int(os.environ.get("BENCH_CASES", "30"))
ROOT = Path(__file__).resolve().parent.parent


def _start_facts():
    from app.calendar.helpers import add_days, today

    return {"campaign_name": "基准测试专项行动", "self_inspection_due": add_days(today(), 30),
            "inspection_due": add_days(today(), 90), "product_type": "industrial"}


def _record_path(app, rng):
    """Drive one case in memory with autofilled forms; return [(spec_name, data)] and per-step times."""
    from app.engine.deploy import latest_definition
    from app.engine.runtime import TaskState, advance, ready_user_tasks
    from app.engine.serializer import new_workflow
    from app.formdefs.registry import get_registry
    from app.seed.autofill import sample_form_data

    d = latest_definition(PROCESS_KEY)
    wf = new_workflow((d.id, d.sha256), d.spec_json, d.dialect)
    for t in wf.get_tasks(state=TaskState.READY):
        # What process_data(case) gives a persisted case, so both runs take the same path.
        t.data.update({"case_id": 0, "case_number": "PC-350121-2026-00000", "case_kind": PROCESS_KEY,
                       "org_level": "county", "product_category": "wire_cable", "product_name": "电线电缆",
                       "is_key_product": True, "enterprise_uscc": "91350121MA0000000X",
                       "enterprise_name": "基准测试企业", **_start_facts()})
    advance(wf)
    steps, times = [], []
    while True:
        ready = ready_user_tasks(wf)
        if not ready:
            break
        task = ready[0]
        meta = d.meta["user_tasks"].get(task.task_spec.bpmn_id) or {}
        for called in d.meta.get("called", {}).values():
            meta = meta or called["user_tasks"].get(task.task_spec.bpmn_id, {})
        form = get_registry().get(meta["formKey"])
        data = sample_form_data(form, rng)
        started = time.perf_counter()
        task.data.update(data)
        task.run()
        advance(wf)
        times.append(time.perf_counter() - started)
        steps.append((task.task_spec.bpmn_id, data))
    return steps, times


def _persisted_run(app, steps_template, interleave=False):
    """Replay the recorded completions through the persisted engine; return per-completion times.

    With `interleave`, each case is also driven in memory just before it is persisted, so both variants
    see the same machine load; then (persisted times, in-memory times, statements per completion)."""
    from app.auth.models import User
    from app.cases.services import get_or_create_enterprise, open_case
    from app.db import db, unit_of_work
    from app.engine import service
    from app.engine.models import HumanTask
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    times, mem, statements = [], [], []
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1
    event.listen(app.extensions["db_engine"], "before_cursor_execute", count)
    with app.app_context():
        for n in range(CASES):
            if interleave:
                mem.extend(_record_path(app, random.Random(1))[1])
            with unit_of_work():
                unit = unit_by_code("350121")
                ent = get_or_create_enterprise(make_uscc(f"91350121MA{n:07d}"), f"基准测试企业{n}")
                case = open_case(PROCESS_KEY, unit, title="基准", enterprise=ent, facts=_start_facts(),
                                 is_key_product=True)
                case_id = case.id
            db.remove()
            for spec_name, data in steps_template:
                with unit_of_work():
                    row = db.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready",
                                                            HumanTask.spec_name == spec_name))
                    if row is None:
                        break
                    user = _actor(db, User, row)
                db.remove()
                started, before = time.perf_counter(), counter["n"]
                with unit_of_work():
                    service.complete_task(row.id, user, data)
                times.append(time.perf_counter() - started)
                statements.append(counter["n"] - before)
                db.remove()
    event.remove(app.extensions["db_engine"], "before_cursor_execute", count)
    return (times, mem, statements) if interleave else times


def _actor(db, User, row):
    for user in db.scalars(select(User).where(User.org_unit_id == row.org_unit_id)):
        if row.department_code in user.department_codes:
            return user
    from app.auth.accounts import create_user
    from app.auth.models import OrgUnit

    return create_user(f"bench_{row.department_code}_{row.org_unit_id}", "bench-pass", "基准用户",
                       db.get(OrgUnit, row.org_unit_id), [row.department_code])


def _prepare(url):
    from app import create_app
    from app.db import unit_of_work
    from app.engine.deploy import deploy_directory
    from app.migrate import upgrade
    from app.seed.reference import ensure_reference_data

    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        with unit_of_work():
            ensure_reference_data()
            deploy_directory(app.config["PROCESSES_DIR"])
        from app.calendar import register_expression_helpers

        register_expression_helpers()
    return app


def _summary(times):
    ms = sorted(t * 1000 for t in times)
    return {"completions": len(ms), "median_ms": round(statistics.median(ms), 3),
            "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 3), "per_second": round(1000 / statistics.median(ms), 1)}


def _cache_counts():
    from app.engine.wfcache import WORKFLOW_CACHE

    return WORKFLOW_CACHE.hits, WORKFLOW_CACHE.misses


def _hit_ratio(before):
    """Share of completions that found their workflow in the worker's cache (one worker: all but none)."""
    hits, misses = (now - then for now, then in zip(_cache_counts(), before, strict=True))
    return round(hits / (hits + misses), 3) if hits + misses else None


def run() -> dict:
    """Run all three variants; return the figures."""
    results = {"process": PROCESS_KEY, "cases": CASES}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_app = _prepare(f"sqlite:///{tmp}/bench.db")
        with sqlite_app.app_context():
            rng = random.Random(1)
            steps, _ = _record_path(sqlite_app, rng)
            mem = []
            for _ in range(CASES):
                mem.extend(_record_path(sqlite_app, random.Random(1))[1])
        results["in_memory"] = _summary(mem)
        results["steps_per_case"] = len(steps)
        before = _cache_counts()
        results["sqlite"] = _summary(_persisted_run(sqlite_app, steps))
        results["sqlite"]["workflow_cache_hit_ratio"] = _hit_ratio(before)
        # Alternating case by case (in memory, then persisted) so a change of load hits both alike.
        persisted, mem_alt, statements = _persisted_run(sqlite_app, steps, interleave=True)
        results["sqlite"]["ratio_interleaved"] = round(statistics.median(persisted) / statistics.median(mem_alt), 2)
        # SQL statements of one completion (its transaction, the COMMIT aside).
        results["sqlite"]["statements_per_completion"] = statistics.median(statements)
    with private_database() as pg_url:
        if pg_url:
            app = _prepare(pg_url)
            before = _cache_counts()
            results["postgresql"] = _summary(_persisted_run(app, steps))
            results["postgresql"]["workflow_cache_hit_ratio"] = _hit_ratio(before)
            app.extensions["db_engine"].dispose()
    base = results["in_memory"]["median_ms"]
    for key in ("sqlite", "postgresql"):
        if key in results:
            results[key]["ratio_to_in_memory"] = round(results[key]["median_ms"] / base, 2)
    return results
