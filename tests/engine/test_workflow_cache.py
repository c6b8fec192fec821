"""The per-worker cache of live workflows never hands out a stale or half-changed workflow.

Each app below is a worker of its own (its own engine, so its own cache) on the same database.
"""
import threading

import pytest
from sqlalchemy import Text, cast, select

from app import create_app
from app.db import db, unit_of_work
from app.engine import service
from app.engine.models import HumanTask, ProcessInstance
from app.engine.operation import load_workflow
from app.engine.runtime import ready_user_tasks
from app.engine.wfcache import WORKFLOW_CACHE
from tests.conftest import TEST_CONFIG
from tests.engine.committed import committed_case
from tests.engine.samples import HEAD, props

STEPS = ("step1", "step2", "step3", "step4")


def _chain():
    """Four user tasks one after the other, each by the same department."""
    tasks = "".join(f'<bpmn:userTask id="{s}" name="第{i}步">{props("quality_supervision")}</bpmn:userTask>'
                    for i, s in enumerate(STEPS, 1))
    ids = ("start", *STEPS, "end")
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False)))
    return (HEAD.format(key="cache_chain") + '<bpmn:process id="cache_chain" name="缓存链" isExecutable="true">'
            '<bpmn:startEvent id="start"/>' + tasks + flows + '<bpmn:endEvent id="end"/></bpmn:process>'
            "</bpmn:definitions>")


@pytest.fixture()
def chain_case(app, committed_db):
    return committed_case("cache_chain.bpmn", _chain(), "cache_chain", uscc_body="91350121MA0000002",
                          enterprise="缓存测试企业", title="缓存", username="cacher")


@pytest.fixture()
def other_worker(app):
    """A second worker process on the same database: another app, so another engine and cache."""
    other = create_app({**TEST_CONFIG, "DATABASE_URL": app.config["DATABASE_URL"],
                        "UPLOAD_DIR": app.config["UPLOAD_DIR"]})
    yield other
    other.extensions["db_engine"].dispose()


def _complete(worker, case_id, user_id, spec_name, data):
    """Complete the case's open task `spec_name` in one committed transaction of `worker`."""
    from app.auth.models import User

    with worker.app_context():
        try:
            with unit_of_work():
                task_id = db.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                               HumanTask.status == "ready",
                                                               HumanTask.spec_name == spec_name))
                assert task_id is not None, f"{spec_name} is not open"
                service.complete_task(task_id, db.get(User, user_id), data)
        finally:
            db.remove()


def _stored(worker, case_id):
    """(version, the workflow data as stored, open task names) of the case's instance."""
    with worker.app_context():
        try:
            inst = db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case_id))
            # Restored from the stored state here, never from a cache: what the next step would see.
            ready = ready_user_tasks(load_workflow(inst))
            data = {k: v for k, v in ready[0].data.items() if k in "abc"} if ready else {}
            open_names = sorted(db.scalars(select(HumanTask.spec_name).where(
                HumanTask.case_id == case_id, HumanTask.status == "ready")))
            return inst.version, data, open_names, inst.id
        finally:
            db.remove()


def _cached_version(worker, instance_id):
    with worker.app_context():
        try:
            return WORKFLOW_CACHE.cached_version(instance_id)
        finally:
            db.remove()


def test_a_worker_reuses_its_workflow_while_nobody_else_changed_the_instance(app, chain_case):
    case_id, user_id = chain_case
    _complete(app, case_id, user_id, "step1", {"a": 1})
    version, _, _, instance_id = _stored(app, case_id)
    assert _cached_version(app, instance_id) == version
    hits = WORKFLOW_CACHE.hits
    _complete(app, case_id, user_id, "step2", {"b": 2})
    assert WORKFLOW_CACHE.hits == hits + 1
    version, data, open_names, _ = _stored(app, case_id)
    assert (data["a"], data["b"], open_names) == (1, 2, ["step3"])
    assert _cached_version(app, instance_id) == version


def test_a_cached_workflow_is_discarded_once_another_worker_moved_the_instance(app, other_worker, chain_case):
    case_id, user_id = chain_case
    _complete(app, case_id, user_id, "step1", {"a": 1})
    stale_version, _, _, instance_id = _stored(app, case_id)
    assert _cached_version(app, instance_id) == stale_version
    # The other worker completes the next step: this worker's copy is now one step behind.
    _complete(other_worker, case_id, user_id, "step2", {"b": 2})
    assert _cached_version(app, instance_id) == stale_version
    hits, misses = WORKFLOW_CACHE.hits, WORKFLOW_CACHE.misses
    # The stale copy still waits in step2; used, it would fail or redo step2. The version check drops it.
    _complete(app, case_id, user_id, "step3", {"c": 3})
    assert (WORKFLOW_CACHE.hits, WORKFLOW_CACHE.misses) == (hits, misses + 1)
    version, data, open_names, _ = _stored(app, case_id)
    assert (data["a"], data["b"], data["c"], open_names) == (1, 2, 3, ["step4"])
    assert version > stale_version + 1 and _cached_version(app, instance_id) == version


def test_a_rolled_back_step_leaves_no_changed_workflow_in_the_cache(app, chain_case):
    from app.auth.models import User

    case_id, user_id = chain_case
    _complete(app, case_id, user_id, "step1", {"a": 1})
    version, _, _, instance_id = _stored(app, case_id)
    with app.app_context():
        with pytest.raises(RuntimeError), unit_of_work():
            task_id = db.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))
            service.complete_task(task_id, db.get(User, user_id), {"b": "rolled back"})
            raise RuntimeError("the request fails after the engine step")
        db.remove()
        # The workflow that ran step2 was taken out for the step and is not put back.
        assert WORKFLOW_CACHE.cached_version(instance_id) is None
        db.remove()
    assert _stored(app, case_id)[:3] == (version, {"a": 1}, ["step2"])
    _complete(app, case_id, user_id, "step2", {"b": 2})
    version, data, open_names, _ = _stored(app, case_id)
    assert (data["b"], open_names) == (2, ["step3"])


def test_a_rolled_back_savepoint_keeps_its_workflow_out_of_the_cache(app, chain_case):
    from app.auth.models import User

    case_id, user_id = chain_case
    with app.app_context():
        with unit_of_work():
            task_id = db.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))
            savepoint = db.begin_nested()
            service.complete_task(task_id, db.get(User, user_id), {"a": "undone"})
            savepoint.rollback()
        instance_id = db.scalar(select(ProcessInstance.id).where(ProcessInstance.case_id == case_id))
        assert WORKFLOW_CACHE.cached_version(instance_id) is None
        db.remove()
    _complete(app, case_id, user_id, "step1", {"a": 1})
    assert _stored(app, case_id)[1:3] == ({"a": 1}, ["step2"])


def test_a_workflow_in_use_by_one_thread_is_not_handed_to_another(app, chain_case):
    case_id, user_id = chain_case
    _complete(app, case_id, user_id, "step1", {"a": 1})
    instance_id = _stored(app, case_id)[3]
    with app.app_context():
        # The row as both threads would read it under the lock (one after the other, in production).
        inst = db.get(ProcessInstance, instance_id)
        text = db.scalar(select(cast(ProcessInstance.state, Text)).where(ProcessInstance.id == instance_id))
        db.expunge(inst)
        db.remove()
    barrier = threading.Barrier(2)
    taken = []

    def worker():
        with app.app_context():
            barrier.wait(timeout=10)
            taken.append(WORKFLOW_CACHE.take(inst, text))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(taken) == 2 and sum(wf is not None for wf in taken) == 1
    # Taken out and never saved: the next completion restores from the database and goes on correctly.
    _complete(app, case_id, user_id, "step2", {"b": 2})
    assert _stored(app, case_id)[1:3] == ({"a": 1, "b": 2}, ["step3"])


def test_two_threads_racing_for_a_cached_instance_one_wins_and_the_state_stays_whole(app, chain_case):
    from app.auth.models import User
    from app.errors import Conflict

    case_id, user_id = chain_case
    _complete(app, case_id, user_id, "step1", {"a": 1})  # the worker now holds the workflow
    with app.app_context():
        task_id = db.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))
        db.remove()
    barrier = threading.Barrier(2)
    outcomes = []

    def racer(value):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                with unit_of_work():
                    service.complete_task(task_id, db.get(User, user_id), {"b": value})
                outcomes.append(("ok", value))
            except Conflict:
                outcomes.append(("conflict", value))
            finally:
                db.remove()

    threads = [threading.Thread(target=racer, args=(value,)) for value in (2, 20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"], outcomes
    winner = next(value for kind, value in outcomes if kind == "ok")
    assert _stored(app, case_id)[1:3] == ({"a": 1, "b": winner}, ["step3"])
    # The worker goes on from the winner's workflow.
    _complete(app, case_id, user_id, "step3", {"c": 3})
    assert _stored(app, case_id)[1:3] == ({"a": 1, "b": winner, "c": 3}, ["step4"])
