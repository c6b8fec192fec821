"""挂牌督办 (listed_supervision): every path through the persisted engine with frozen time."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.engine.deploy import deploy_files
from app.seed.reference import unit_by_code
from tests.processes.conftest import PROCESSES, beijing_date

KIND = "listed_supervision"


@pytest.fixture()
def library(db_session):
    """Only this process (others in processes/ are being written concurrently), forms checked."""
    return {r.key: r for r in deploy_files({f"{KIND}.bpmn": (PROCESSES / f"{KIND}.bpmn").read_bytes()})}


def unit_id(code):
    return unit_by_code(code).id


def assert_task(driver, spec_name, org_code, due, department="quality_supervision"):
    """The READY row routes to the department and bureau and is due at the end of `due` (Beijing)."""
    row = driver.task(spec_name)
    assert (row.department_code, row.org_unit_id) == (department, unit_id(org_code)), spec_name
    assert beijing_date(row.due_at) == due, spec_name
    return row


def test_city_listing_progress_loop_acceptance_and_delisting(library, clock, open_case_for):
    case = open_case_for(KIND, "350121", facts={"reason": "重大隐患逾期未整改"})
    assert case.ready_names() == ["ls_propose"]
    assert_task(case, "ls_propose", "350121", date(2026, 3, 5))  # 3 WD from Monday 2 March
    case.complete("ls_propose", listing_level="city", listing_reason="overdue_rectification")
    # A county case is listed by the city bureau one level up.
    assert_task(case, "ls_decide_city", "350100", date(2026, 3, 9))
    case.complete("ls_decide_city", listing_decision="list")
    assert_task(case, "ls_progress", "350121", date(2026, 3, 16))  # every report due in 10 WD
    case.travel(clock, timedelta(days=7))
    case.complete("ls_progress", rectification_done=False)
    assert case.ready_names() == ["ls_progress"]
    assert_task(case, "ls_progress", "350121", date(2026, 3, 23))
    case.complete("ls_progress", rectification_done=True)
    assert_task(case, "ls_accept", "350100", date(2026, 3, 30))  # 15 WD from 9 March
    case.complete("ls_accept", acceptance_result="pass")
    assert_task(case, "ls_delist_city", "350100", date(2026, 3, 16))
    case.complete("ls_delist_city", delisted=True)
    assert case.ready() == []
    assert case.status() == ("closed", "completed")
    assert case.case.facts["delisted"] is True and case.case.facts["listing_level"] == "city"


def test_province_listing_declined_ends_the_case(library, clock, open_case_for):
    case = open_case_for(KIND, "350121", facts={"reason": "复查仍不合格"})
    case.complete("ls_propose", listing_level="province")
    assert case.ready_names() == ["ls_decide_province"]
    assert_task(case, "ls_decide_province", "350000", date(2026, 3, 9))
    case.complete("ls_decide_province", listing_decision="not_list")
    assert case.ready() == []
    assert case.status() == ("closed", "completed")


def test_overdue_acceptance_moves_to_province_and_failed_acceptance_loops_back(library, clock, open_case_for):
    case = open_case_for(KIND, "350203", facts={"reason": "重大案件"})  # 思明区, under 厦门
    case.complete("ls_propose", listing_level="province")
    case.complete("ls_decide_province", listing_decision="list")
    case.complete("ls_progress", rectification_done=True)
    city_accept = assert_task(case, "ls_accept", "350200", date(2026, 3, 23))
    # One day before the end of the 15th working day nothing happens ...
    case.travel(clock, timedelta(days=20))
    assert case.ready_names() == ["ls_accept"]
    # ... after it the acceptance is taken over by the province.
    case.travel(clock, timedelta(days=2))
    assert case.ready_names() == ["ls_accept_province"]
    assert_task(case, "ls_accept_province", "350000", date(2026, 4, 8))  # 10 WD from 24 March; Qingming 4-6 April off
    from app.db import db
    db.refresh(city_accept)
    assert city_accept.status == "cancelled"
    case.complete("ls_accept_province", acceptance_result="fail")
    assert case.ready_names() == ["ls_progress"]
    case.complete("ls_progress", rectification_done=True)
    case.complete("ls_accept", acceptance_result="pass")
    # A province listing is lifted by the province; it may refuse and send the case back.
    assert_task(case, "ls_delist_province", "350000", date(2026, 3, 31))
    case.complete("ls_delist_province", delisted=False)
    assert case.ready_names() == ["ls_progress"]
    case.complete("ls_progress", rectification_done=True)
    case.complete("ls_accept", acceptance_result="pass")
    case.complete("ls_delist_province", delisted=True)
    assert case.status() == ("closed", "completed")


def test_deadlines_skip_national_day_and_spring_festival(library, clock, open_case_for):
    # Monday 28 September 2026: 29, 30 September, then 1-7 October off -> 8 October.
    clock.move_to(datetime(2026, 9, 28, 1, 0, tzinfo=UTC))
    case = open_case_for(KIND, "350121", facts={"reason": "国庆前挂牌"})
    assert_task(case, "ls_propose", "350121", date(2026, 10, 8))
    case.complete("ls_propose", listing_level="city")
    # 5 WD: 29, 30 Sep, 8, 9 Oct and Saturday 10 Oct, a make-up workday.
    assert_task(case, "ls_decide_city", "350100", date(2026, 10, 10))
    # Thursday 12 February 2026: 13 Feb, Saturday 14 Feb (make-up workday), Spring Festival 15-23 Feb -> 24 Feb.
    clock.move_to(datetime(2026, 2, 12, 1, 0, tzinfo=UTC))
    spring = open_case_for(KIND, "350121", facts={"reason": "春节前挂牌"})
    assert_task(spring, "ls_propose", "350121", date(2026, 2, 24))


def test_city_case_is_listed_and_accepted_by_its_own_city_bureau(library, clock, open_case_for):
    case = open_case_for(KIND, "350200", facts={"reason": "市局直办案件"})  # 厦门市局 holds the case itself
    case.complete("ls_propose", listing_level="city")
    assert_task(case, "ls_decide_city", "350200", date(2026, 3, 9))
    case.complete("ls_decide_city", listing_decision="list")
    assert_task(case, "ls_progress", "350200", date(2026, 3, 16))
    case.complete("ls_progress", rectification_done=True)
    assert_task(case, "ls_accept", "350200", date(2026, 3, 23))
    case.complete("ls_accept", acceptance_result="pass")
    case.complete("ls_delist_city", delisted=True)
    assert case.status() == ("closed", "completed")


def test_proposal_already_made_starts_at_the_upper_bureaus_decision(library, clock, open_case_for):
    # A county head's proposal from the listed-supervision board: ls_propose is not asked again.
    case = open_case_for(KIND, "350121", facts={"reason": "重大隐患", "listing_stage": "proposed",
                                                "listing_level": "city", "issue_summary": "重大隐患"})
    assert case.ready_names() == ["ls_decide_city"]
    assert_task(case, "ls_decide_city", "350100", date(2026, 3, 9))
    case.complete("ls_decide_city", listing_decision="list")
    assert_task(case, "ls_progress", "350121", date(2026, 3, 16))


def test_proposal_to_the_province_goes_to_the_province(library, clock, open_case_for):
    case = open_case_for(KIND, "350203", facts={"reason": "重大案件", "listing_stage": "proposed",
                                                "listing_level": "province"})
    assert case.ready_names() == ["ls_decide_province"]
    assert_task(case, "ls_decide_province", "350000", date(2026, 3, 9))


def test_confirmed_listing_starts_at_the_rectification_reports(library, clock, open_case_for):
    # A city head's listing on the board is the decision itself: the case starts at the progress reports.
    case = open_case_for(KIND, "350121", facts={"reason": "逾期未整改", "listing_stage": "confirmed",
                                                "listing_level": "city", "listing_decision": "list"})
    assert case.ready_names() == ["ls_progress"]
    assert_task(case, "ls_progress", "350121", date(2026, 3, 16))
    case.complete("ls_progress", rectification_done=True)
    assert_task(case, "ls_accept", "350100", date(2026, 3, 23))
    case.complete("ls_accept", acceptance_result="pass")
    case.complete("ls_delist_city", delisted=True)
    assert case.status() == ("closed", "completed")
    assert case.case.facts["listing_stage"] == "confirmed" and case.case.facts["delisted"] is True


def test_unknown_stage_falls_back_to_the_proposal(library, clock, open_case_for):
    case = open_case_for(KIND, "350121", facts={"reason": "重大隐患", "listing_stage": "whatever"})
    assert case.ready_names() == ["ls_propose"]
