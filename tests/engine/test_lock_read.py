"""The task lock's read: what a completion works on is the stored row, whole and related, in one statement."""
import pytest
from sqlalchemy import inspect, select, update

from app.cases.models import Case
from app.engine.lockread import lock_instance_of_task
from app.engine.models import HumanTask, ProcessInstance
from app.errors import NotFound
from tests.engine.test_step_rows import split_case  # noqa: F401  (a fixture: three tasks open at once)


def _intake(db_session, case_id):
    return db_session.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))


def test_one_statement_gives_the_instance_its_rows_case_and_bureau_related_and_clean(db_session, split_case,
                                                                                       count_queries):
    case, _clerk = split_case
    task_id, case_id, unit_id = _intake(db_session, case.id).id, case.id, case.org_unit_id
    db_session.expunge_all()
    with count_queries() as counter:
        locked = lock_instance_of_task(task_id)
        inst = locked.inst
        # Everything a step reads next is there: no statement for the definition, the case or the bureau chain.
        assert (inst.definition.key, inst.case_id, [row.id for row in locked.rows]) == ("split_flow", case_id,
                                                                                      [task_id])
        held = db_session.get(Case, case_id)
        assert held in locked.companions and held.org_unit.id == unit_id
        assert held.org_unit.parent.level == "city" and held.org_unit.parent.parent.level == "province"
    assert counter.count == 1, counter.statements
    assert not db_session.dirty and all(inspect(obj).persistent for obj in (inst, held, *locked.rows))
    assert locked.state_text.startswith("{")
    # No message waits for delivery; PostgreSQL always looks after the step (see lockread).
    assert locked.may_have_messages == (db_session.get_bind().dialect.name == "postgresql")
    # What was not read loads on first use, as a deferred column would.
    with count_queries() as counter:
        assert inst.state["tasks"] and held.tally_opened_day is not None
    assert counter.count == 2
    # A relationship the read did not set loads as usual, and a change is written by the next flush.
    assert held.enterprise is not None and held.enterprise.id == held.enterprise_id
    held.title = "改过的标题"
    db_session.flush()
    db_session.expire(held, ["title"])
    assert held.title == "改过的标题"


def test_an_instance_already_in_the_session_is_refreshed_with_the_stored_version(db_session, split_case):
    case, _clerk = split_case
    task = _intake(db_session, case.id)
    inst = db_session.get(ProcessInstance, task.instance_id)
    stale = inst.version
    # Another writer moved the row on (the session's copy does not know).
    db_session.execute(update(ProcessInstance).where(ProcessInstance.id == inst.id)
                       .values(version=stale + 3).execution_options(synchronize_session=False))
    assert inst.version == stale
    locked = lock_instance_of_task(task.id)
    assert locked.inst is inst and inst.version == stale + 3 and not db_session.dirty


def test_an_unknown_task_is_not_found(db_session, split_case):
    with pytest.raises(NotFound):
        lock_instance_of_task(2_000_000_000)
