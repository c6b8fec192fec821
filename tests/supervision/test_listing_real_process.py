"""Listing from the overdue board starts the real listed_supervision process of processes/."""
from datetime import UTC, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.cases.models import Case
from app.engine.deploy import deploy_directory
from app.engine.models import HumanTask
from app.seed.reference import unit_by_code
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
    # The city head's listing is the decision: no new proposal at the county, the reports start.
    assert [t.spec_name for t in first] == ["ls_progress"]
    assert first[0].org_unit_id == parent.org_unit_id
    assert listed.facts["listing_decision"] == "list" and listed.facts["listing_stage"] == "confirmed"
    row = listed_board(head)["rows"][0]
    assert row.case.id == new_id and row.level_label == "市局挂牌" and row.open_tasks == first


def test_county_head_proposal_goes_to_the_city_decision_with_its_facts(db_session, make_case, make_user):
    deploy_directory(PROCESSES)
    parent = make_case("penalty_case", org_code="350121", facts={"reason": "抽检不合格"})
    county_head = make_user("350121", roles=("staff", "supervisor"))
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)):
        new_id = open_listed_supervision(parent.id, county_head, "复查仍不合格", date_of("2026-03-31"))
    tasks = db_session.scalars(select(HumanTask).where(HumanTask.case_id == new_id,
                                                      HumanTask.status == "ready")).all()
    # The proposal was made on the board: the city bureau decides, the county is not asked to propose again.
    assert [(t.spec_name, t.org_unit_id) for t in tasks] == [("ls_decide_city", unit_by_code("350100").id)]
    facts = db_session.get(Case, new_id).facts
    assert facts["listing_stage"] == "proposed" and "listing_decision" not in facts
    assert facts["issue_summary"] == "复查仍不合格" and facts["rectification_deadline"] == "2026-03-31"


def test_province_head_listing_is_a_province_listing_in_rectification(db_session, make_case, make_user):
    deploy_directory(PROCESSES)
    parent = make_case("penalty_case", org_code="350203", facts={"reason": "重大案件"})
    province_head = make_user("350000", roles=("staff", "supervisor"))
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)):
        new_id = open_listed_supervision(parent.id, province_head, "重大案件跨区域")
    tasks = db_session.scalars(select(HumanTask).where(HumanTask.case_id == new_id,
                                                      HumanTask.status == "ready")).all()
    assert [t.spec_name for t in tasks] == ["ls_progress"]
    facts = db_session.get(Case, new_id).facts
    assert facts["listing_level"] == "province" and facts["listing_date"] == "2026-03-02"


def date_of(text):
    """A date from its ISO text."""
    from datetime import date

    return date.fromisoformat(text)
