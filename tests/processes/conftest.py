"""Drive the real processes of processes/ through the persisted engine, as users would.

`library` deploys processes/ with the real form check; `CaseDriver` completes a case's tasks as a
user entitled to each (one per bureau and department, created on demand), with form data that
first passes the task's form validation (the same check the task page makes), fires timers after
moving a frozen clock, delivers messages, and finds the follow-up cases a process opened.
"""
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.auth.accounts import create_user
from app.auth.models import OrgUnit
from app.cases.models import Case
from app.cases.step_checks import step_problems
from app.clock import local_date
from app.db import db
from app.engine import service
from app.engine.deploy import deploy_directory
from app.engine.models import HumanTask, ProcessInstance
from app.formdefs.registry import get_registry
from app.formdefs.schema import validate_submission
from app.seed.autofill import sample_form_data
from tests.state_check import state_equals_library  # noqa: F401  (autouse: every save checked against the library)

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture()
def library(db_session):
    """Every process in processes/ deployed (forms checked), keyed by process key."""
    return {r.key: r for r in deploy_directory(PROCESSES)}


@pytest.fixture()
def clock():
    """A frozen clock starting Monday 2026-03-02 09:00 Beijing time; `clock.move_to(...)` travels."""
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)) as frozen:
        yield frozen


def beijing_date(value):
    """The Beijing calendar date of a stored UTC datetime."""
    return local_date(value)


def unit_code(row):
    """The org unit code a task row is routed to."""
    return db.get(OrgUnit, row.org_unit_id).code


def routed(row):
    """(department, bureau code, Beijing due date) of an inbox row."""
    return row.department_code, unit_code(row), beijing_date(row.due_at)


def move_to(driver, clock, day):
    """Travel to 09:00 Beijing time of `day` and let due timers fire."""
    clock.move_to(datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC))
    driver.fire_timers()


class CaseDriver:
    """Acts on one case (and, through `follow_up`, the cases its process opens)."""

    def __init__(self, case, rng=None, users=None):
        self.case = case
        self.rng = rng or random.Random(3)
        self._users = users if users is not None else {}

    # -- what users see -------------------------------------------------------------------------
    def ready(self):
        """The case's READY inbox rows, oldest first."""
        return list(db.scalars(select(HumanTask).where(HumanTask.case_id == self.case.id,
                                                       HumanTask.status == "ready").order_by(HumanTask.id)))

    def ready_names(self):
        """Spec names (BPMN element ids) of the READY tasks, sorted."""
        return sorted(t.spec_name for t in self.ready())

    def task(self, spec_name):
        """The READY row of that task (fails the test when it is not ready)."""
        rows = [t for t in self.ready() if t.spec_name == spec_name]
        assert rows, f"{spec_name} not ready; ready: {self.ready_names()}"
        return rows[0]

    def instance(self):
        """The case's own lifecycle instance."""
        return db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == self.case.id)
                         .order_by(ProcessInstance.id))

    def status(self):
        """(case status, instance status) after a refresh."""
        db.refresh(self.case)
        inst = self.instance()
        db.refresh(inst)
        return self.case.status, inst.status

    # -- acting -----------------------------------------------------------------------------------
    def user_for(self, task):
        """A user of the task's bureau and department (created once per pair)."""
        key = (task.org_unit_id, task.department_code)
        user = self._users.get(key)
        if user is None:
            unit = db.get(OrgUnit, task.org_unit_id)
            name = f"drv_{unit.code}_{task.department_code}_{self.rng.randint(0, 10**9)}"
            user = create_user(name, "pw-123456", name, unit, [task.department_code], ["staff"])
            self._users[key] = user
        return user

    def form_data(self, task, values):
        """Valid form data: plausible values for every field, `values` on top, validated like the page."""
        if not task.form_key:
            return dict(values)
        form = get_registry().get(task.form_key)
        data = sample_form_data(form, self.rng, values)
        clean, errors = validate_submission(form, data)
        errors = errors or step_problems(task.case_id, form.key, clean)
        assert not errors, f"{task.spec_name}/{task.form_key}: {errors}"
        return clean

    def complete(self, spec_name, **values):
        """Complete the READY task `spec_name` with valid data; returns the row completed."""
        task = self.task(spec_name)
        service.complete_task(task.id, self.user_for(task), self.form_data(task, values))
        return task

    def message(self, name, **payload):
        """Deliver a message to the case (stored when nothing waits yet)."""
        return service.send_message(self.case.id, name, payload)

    def fire_timers(self):
        """What the scheduler does at the current (frozen) time for this case's instances."""
        for inst in db.scalars(select(ProcessInstance).where(ProcessInstance.case_id == self.case.id)):
            service.fire_timers(inst.id)

    def travel(self, clock, delta):
        """Move the frozen clock forward and let due timers fire."""
        clock.tick(delta)
        self.fire_timers()

    def follow_ups(self, kind=None):
        """Cases opened by this case's process (facts.parent_case_number), oldest first."""
        cases = db.scalars(select(Case).where(Case.id != self.case.id).order_by(Case.id))
        return [c for c in cases if (c.facts or {}).get("parent_case_number") == self.case.number
                and (kind is None or c.kind == kind)]

    def follow_up(self, kind):
        """A driver for the single follow-up case of that kind."""
        found = self.follow_ups(kind)
        assert len(found) == 1, f"expected one {kind} follow-up, got {[c.number for c in found]}"
        return CaseDriver(found[0], self.rng, self._users)


@pytest.fixture()
def open_case_for(db_session, library, make_enterprise):
    """Open a case of `kind` in a bureau with start facts; returns its CaseDriver."""
    from app.cases.services import open_case
    from app.seed.reference import unit_by_code

    def make(kind, org_code="350121", facts=None, **kw):
        case = open_case(kind, unit_by_code(org_code), title=kw.pop("title", "测试案件"),
                         enterprise=kw.pop("enterprise", None) or make_enterprise(), facts=facts or {}, **kw)
        return CaseDriver(case)

    return make
