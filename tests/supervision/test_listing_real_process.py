"""Listing from the overdue board starts the real listed_supervision process of processes/."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cases.models import Case
from app.engine.deploy import deploy_directory
from app.engine.models import HumanTask
from app.supervision.services import listed_board, open_listed_supervision

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
pytestmark = pytest.mark.skipif(not (PROCESSES / "listed_supervision.bpmn").exists(),
                                reason="the process library has no listed_supervision yet")


def test_board_listing_runs_the_library_process(db_session, make_case, make_user):
    deploy_directory(PROCESSES)
    parent = make_case("penalty_case", org_code="350121", facts={"reason": "抽检不合格，涉嫌违法生产"})
    head = make_user("350100", roles=("staff", "supervisor"))
    new_id = open_listed_supervision(parent.id, head, "重大隐患逾期未整改")
    listed = db_session.get(Case, new_id)
    assert listed.kind == "listed_supervision" and listed.status == "open"
    first = db_session.scalars(select(HumanTask).where(HumanTask.case_id == new_id,
                                                      HumanTask.status == "ready")).all()
    assert first, "the listing process waits on its first task"
    row = listed_board(head)["rows"][0]
    assert row.case.id == new_id and row.level_label == "市局挂牌" and row.open_tasks == first
