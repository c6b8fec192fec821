"""The case page and diagram data over the process library's real penalty_case process."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.engine.deploy import deploy_files
from app.engine.models import HumanTask

ROOT = Path(__file__).resolve().parent.parent.parent
FILES = ("credit_disclosure.bpmn", "penalty_case.bpmn")


@pytest.fixture()
def penalty_deployed(db_session):
    missing = [f for f in FILES if not (ROOT / "processes" / f).is_file()]
    if missing:
        pytest.skip(f"processes not in the library yet: {missing}")
    return deploy_files({f: (ROOT / "processes" / f).read_bytes() for f in FILES})


def test_penalty_case_page_and_diagram(db_session, penalty_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121", facts={"reason": "抽检不合格，涉嫌生产不合格产品"})
    ready = list(db_session.scalars(select(HumanTask.spec_name).where(HumanTask.case_id == case.id,
                                                                       HumanTask.status == "ready")))
    assert ready
    client = login_as(make_user("350100", departments=("enforcement",)))
    data = client.get(f"/cases/{case.id}/diagram.json").get_json()
    assert data["process_key"] == "penalty_case" and set(data["ready"]) == set(ready)
    assert all(f'id="{eid}"' in data["xml"] for eid in data["ready"])
    assert "BPMNDiagram" in data["xml"]
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "抽检不合格，涉嫌生产不合格产品" in html and "行政处罚案件" in html
