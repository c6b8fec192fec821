"""`make run`'s demo data: users for every department and level, cases driven through the real processes."""
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import func, select

from app.auth.models import User
from app.cases.models import Case
from app.engine.deploy import deploy_directory
from app.engine.models import HumanTask, ProcessInstance
from app.seed.demo import seed_demo

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@freeze_time("2026-11-23 02:00:00")
def test_demo_seed_opens_cases_on_every_lifecycle_without_errors(db_session):
    deploy_directory(PROCESSES)
    message = seed_demo()
    assert "演示密码" in message
    kinds = set(db_session.scalars(select(Case.kind)))
    assert kinds == {"failed_sample_disposal", "hazard_investigation", "supervision_sampling", "risk_monitoring"}
    statuses = set(db_session.scalars(select(ProcessInstance.status)))
    assert "error" not in statuses, [(i.case_id, i.error_message) for i in
                                      db_session.scalars(select(ProcessInstance).where(ProcessInstance.status == "error"))]
    # Someone has work to do in the county, the city and the province.
    ready = db_session.scalars(select(HumanTask).where(HumanTask.status == "ready")).all()
    assert len({t.org_unit_id for t in ready}) >= 3
    # Every department at every demo bureau has a clerk and a head; a second run changes nothing.
    assert db_session.scalar(select(func.count()).select_from(User).where(User.username.like("mh_%"))) == 16
    assert db_session.scalar(select(User).where(User.username == "admin")).has_role("process_admin")
    ent_demo = db_session.scalar(select(User).where(User.username == "ent_demo"))
    assert ent_demo.is_enterprise and ent_demo.role_codes == set() and ent_demo.department_codes == set()
    assert seed_demo() == "演示数据已存在，跳过"
