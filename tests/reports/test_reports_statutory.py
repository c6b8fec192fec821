"""Weekly and summary figures over cases with known facts; the XLSX holds the same numbers."""
from datetime import date
from io import BytesIO

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from app.reports.scope import Period
from app.reports.services import ensure_report
from app.reports.statutory import FIGURE_ROWS, build_report_figures, summary_lists, weekly_period
from app.seed.reference import unit_by_code
from tests.reports.report_helpers import at

# Summary periods as a campaign sets them (the 2022 notice's dates, in 2026).
STAGE_2026 = Period(date(2026, 1, 1), date(2026, 7, 25))
ANNUAL_2026 = Period(date(2026, 1, 1), date(2026, 11, 5))

THURSDAY = date(2026, 11, 19)


@pytest.fixture()
def campaign(db_session, case_at):
    """Cases of Fuzhou (350100) and below across the year, plus noise outside the scope and the year."""
    c = {}
    c["a"] = case_at("2026-10-10 02:00", "hazard_investigation", "350121", product_category="e_bike", facts={
        "self_inspection_submitted": True, "self_inspection_date": "2026-10-08", "inspection_date": "2026-10-12",
        "help_given": True, "help_date": "2026-11-16",
        "hazards": [{"description": "充电器过热", "severity": "general", "status": "fixed"},
                    {"description": "电池无 3C", "severity": "major", "status": "open"}]})
    c["b"] = case_at("2026-11-13 03:00", "hazard_investigation", "350100", product_category="e_bike", facts={
        "self_inspection_submitted": True, "inspection_date": "2026-11-16", "interview_date": "2026-11-17",
        "hazards": [{"description": "线路老化", "severity": "general", "status": "open"},
                    {"description": "标识不全", "severity": "general", "status": "fixed"},
                    {"description": "储存超量", "severity": "major", "status": "fixed"}]})
    c["xiamen"] = case_at("2026-11-13 03:00", "hazard_investigation", "350203", facts={
        "self_inspection_submitted": True, "inspection_date": "2026-11-16", "interview_date": "2026-11-16",
        "hazards": [{"description": "不在辖区", "severity": "major", "status": "open"}]})
    c["sampling"] = case_at("2026-11-12 01:00", "supervision_sampling", "350121", product_category="wire_cable",
                            facts={"batches": [
                                {"sample_no": "S1", "is_key_product": True, "conclusion": "pass"},
                                {"sample_no": "S2", "is_key_product": False, "conclusion": "fail"},
                                {"sample_no": "S3", "is_key_product": False, "conclusion": "pass"}]})
    # Batches count by their test report date and in their own product class.
    c["sampling_late_report"] = case_at("2026-10-20 02:00", "supervision_sampling", "350121", facts={
        "report_date": "2026-11-17", "batches": [{"sample_no": "S4", "product_category": "cement",
                                                  "is_key_product": True, "conclusion": "fail"}]})
    c["sampling_june"] = case_at("2026-06-01 02:00", "supervision_sampling", "350121", product_category="wire_cable",
                                 facts={"report_date": "2026-06-10", "batches": [
                                     {"sample_no": "S5", "product_category": "cement", "conclusion": "pass"},
                                     {"sample_no": "S6", "product_category": "e_bike", "conclusion": "fail"}]})
    c["penalty"] = case_at("2026-10-01 02:00", "penalty_case", "350121", product_category="e_bike", facts={
        "decision_result": "penalty", "decision_no": "闽侯市监罚〔2026〕8号", "decision_date": "2026-11-18",
        "fine_amount": 5000.5, "confiscation_amount": "1200", "referred_to_police": True,
        "transfer_at": "2026-11-18T17:00:00+00:00"})  # Thursday 01:00 in Beijing: after the week
    c["no_penalty"] = case_at("2026-09-01 02:00", "penalty_case", "350121", facts={
        "decision_result": "no_penalty", "decision_no": "不予处罚〔2026〕2号", "decision_date": "2026-11-16",
        "fine_amount": 800, "referred_to_police": True, "transfer_at": "2026-11-16T02:00:00+00:00"})
    c["penalty_open"] = case_at("2026-11-18 08:00", "penalty_case", "350121", facts={"reason": "线索"})
    c["listing"] = case_at("2026-11-14 02:00", "listed_supervision", "350121", facts={"listing_level": "city"})
    c["last_year"] = case_at("2025-12-30 02:00", "penalty_case", "350121", facts={"reason": "去年"})
    c["after"] = case_at("2026-11-18 16:30", "listed_supervision", "350121")  # Thursday 00:30 Beijing
    c["a"].status, c["a"].closed_at = "closed", at("2026-11-14 06:00")
    db_session.flush()
    return c


EXPECTED_WEEK = {
    "enterprises_self_inspected": 1, "enterprises_inspected": 1, "hazards_found_general": 2,
    "hazards_found_major": 1, "hazards_fixed_general": 1, "hazards_fixed_major": 1, "hazards_open_general": 1,
    "hazards_open_major": 0, "sampling_batches": 4, "sampling_failed": 2, "cases_opened": 4, "cases_closed": 1,
    "penalty_decisions": 1, "fines": "5000.50", "confiscations": "1200.00", "referrals": 1, "interviews": 1,
    "listings": 1, "help_given": 1}
EXPECTED_CUMULATIVE = {
    **EXPECTED_WEEK, "enterprises_self_inspected": 2, "enterprises_inspected": 2, "hazards_found_general": 3,
    "hazards_found_major": 2, "hazards_fixed_general": 2, "hazards_open_major": 1, "cases_opened": 9,
    "sampling_batches": 6, "sampling_failed": 3}


def test_weekly_period_is_previous_thursday_to_wednesday():
    period = weekly_period(THURSDAY)
    assert (period.start, period.end) == (date(2026, 11, 12), date(2026, 11, 18))


@freeze_time("2026-11-19 04:00")
def test_weekly_figures_equal_independent_counts(campaign):
    figures = build_report_figures("weekly", unit_by_code("350100"), weekly_period(THURSDAY))
    assert figures["period"] == EXPECTED_WEEK
    assert figures["cumulative"] == EXPECTED_CUMULATIVE
    # A county sees only its own cases: case "b" (city) and Xiamen's are not in Minhou's report.
    county = build_report_figures("weekly", unit_by_code("350121"), weekly_period(THURSDAY))
    assert county["period"]["hazards_found_general"] == 0
    assert county["period"]["cases_opened"] == 3


@freeze_time("2026-11-19 04:00")
def test_xlsx_holds_the_report_numbers(campaign):
    report, created = ensure_report("weekly", unit_by_code("350100"), weekly_period(THURSDAY))
    assert created
    from app.reports.export import report_workbook

    wb = load_workbook(BytesIO(report_workbook(report)))
    ws = wb["主要指标"]
    assert ws["A1"].value.startswith("福州市市场监督管理局")
    assert [c.value for c in ws[3]] == ["指标", "本期", "累计"]
    rows = {r[0]: (r[1], r[2]) for r in ws.iter_rows(min_row=4, values_only=True)}
    for key, label, kind in FIGURE_ROWS:
        want = (EXPECTED_WEEK[key], EXPECTED_CUMULATIVE[key])
        if kind == "amount":
            want = tuple(float(v) for v in want)
        assert rows[label] == want, label


@freeze_time("2026-11-19 04:00")
def test_annual_summary_tables(campaign):
    period = ANNUAL_2026
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 11, 5))
    figures = build_report_figures("annual", unit_by_code("350100"), period)
    lists = summary_lists(unit_by_code("350100"), period)
    # Only what happened by November 5: case "a", two penalty cases (their decisions are dated later) and
    # the June sampling task; the October one's report is dated later.
    assert figures["cumulative"]["cases_opened"] == 5
    assert (figures["cumulative"]["sampling_batches"], figures["cumulative"]["sampling_failed"]) == (2, 1)
    assert figures["cumulative"]["hazards_found_major"] == 1
    assert figures["cumulative"]["penalty_decisions"] == 0
    assert [c["number"] for c in lists["cases"]] == [campaign[k].number for k in (
        "sampling_june", "no_penalty", "penalty", "a", "sampling_late_report")]
    assert [(h["description"], h["severity"], h["status"]) for h in lists["hazards"]] == [
        ("充电器过热", "general", "fixed"), ("电池无 3C", "major", "open")]
    table = {r["category"]: r for r in figures["by_category"]}
    # June's cement batch counts as cement, October's (reported November 17) not at all.
    assert list(table) == ["cement", "e_bike", "wire_cable", ""]
    assert (table["cement"]["cases_opened"], table["cement"]["sampling_batches"], table["cement"]["sampling_failed"]) \
        == (0, 1, 0)
    assert [table["e_bike"][k] for k in ("label", "cases_opened", "hazards_found", "hazards_fixed",
                                         "sampling_batches", "sampling_failed")] == ["电动自行车", 2, 2, 1, 1, 1]
    assert (table["wire_cable"]["cases_opened"], table["wire_cable"]["sampling_batches"]) == (1, 0)
    assert (table[""]["label"], table[""]["cases_opened"], table[""]["penalty_decisions"]) == ("未填写", 2, 0)


@freeze_time("2026-11-19 04:00")
def test_summary_xlsx_has_a_sheet_per_table(campaign):
    from app.reports.export import report_workbook

    report, _ = ensure_report("stage", unit_by_code("350100"), STAGE_2026)
    wb = load_workbook(BytesIO(report_workbook(report)))
    assert wb.sheetnames == ["主要指标", "分产品类别", "隐患清单", "案件清单"]
    assert wb["案件清单"]["A1"].value == "案件编号"
    # By July 25 only the June sampling task: one case, its two batches under their own classes.
    assert [r[0] for r in wb["案件清单"].iter_rows(min_row=2, values_only=True)] == [campaign["sampling_june"].number]
    by_class = {r[0]: r for r in wb["分产品类别"].iter_rows(min_row=2, values_only=True)}
    assert (by_class["水泥"][5], by_class["电动自行车"][5], by_class["电动自行车"][6]) == (1, 1, 1)
