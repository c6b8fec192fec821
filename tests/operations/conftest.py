"""Fixtures for the instance-operations pages: a logged-in process admin and instances in known states."""
import pytest
from sqlalchemy import select

from app.engine import service
from app.engine.models import HumanTask, ProcessInstance
from tests.engine import samples


def login(client, user):
    response = client.post("/login", data={"username": user.username, "password": "pw-123456"})
    assert response.status_code == 302
    return client


@pytest.fixture()
def ops_admin(make_user):
    return make_user("350000", departments=("it_office",), roles=("staff", "process_admin"))


@pytest.fixture()
def ops_client(client, ops_admin):
    """The test client logged in as a province-level process admin."""
    return login(client, ops_admin)


# Setup rows are committed (to the test's savepoint) before requests: a refused action rolls the
# request's session back, which must not take the test's own fixtures with it.


@pytest.fixture()
def clerk(make_user):
    return make_user("350121", ["quality_supervision"])


def open_tasks(db, case_id):
    stmt = select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready").order_by(HumanTask.id)
    return list(db.scalars(stmt))


def instance_of(db, case):
    return db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))


@pytest.fixture()
def review_case(db_session, deploy_xml, make_case):
    """A review_flow case waiting on its first task (county quality supervision)."""
    deploy_xml(samples.review_process())

    def make(**kw):
        case = make_case("review_flow", **kw)
        db_session.commit()
        return case, instance_of(db_session, case)
    return make


@pytest.fixture()
def failing_case(db_session, deploy_xml, make_case, clerk):
    """A case whose gateway condition names missing data (score): the instance is in error at 'gw'."""
    deploy_xml(samples.review_process(key="score_flow", condition="score > 60"))
    case = make_case("score_flow")
    [task] = open_tasks(db_session, case.id)
    service.complete_task(task.id, clerk, {"approved": True})
    inst = instance_of(db_session, case)
    assert inst.status == "error"
    db_session.commit()
    return case, inst
