"""The annual summary's case and hazard lists name each case's bureau and enterprise (or none)."""
from datetime import date

from freezegun import freeze_time

from app.reports.scope import Period
from app.reports.statutory import build_report_figures, summary_lists
from app.seed.reference import unit_by_code

# Summary periods as a campaign sets them (the 2022 notice's dates, in 2026).
STAGE_2026 = Period(date(2026, 1, 1), date(2026, 7, 25))
ANNUAL_2026 = Period(date(2026, 1, 1), date(2026, 11, 5))


@freeze_time("2026-11-19 04:00")
def test_lists_name_the_bureau_and_enterprise(db_session, case_at, make_enterprise):
    maker = make_enterprise()
    with_ent = case_at("2026-03-02 02:00", "hazard_investigation", "350121", enterprise=maker, facts={
        "inspection_date": "2026-03-10", "hazards": [{"description": "接地不良", "severity": "major"}]})
    city = case_at("2026-04-02 02:00", "recall", "350100", facts={"reason": "召回"})
    city.enterprise_id = None
    # Facts of a kind no figure reads (a recall's amounts) stay out of the fines.
    city.facts = {"fine_amount": "999", "decision_no": "X", "decision_date": "2026-04-03"}
    outside = case_at("2026-04-02 02:00", "recall", "350203")
    db_session.flush()
    figures = build_report_figures("annual", unit_by_code("350100"), ANNUAL_2026)
    lists = summary_lists(unit_by_code("350100"), ANNUAL_2026)
    rows = {c["number"]: c for c in lists["cases"]}
    assert outside.number not in rows
    assert (rows[with_ent.number]["enterprise"], rows[with_ent.number]["org_unit"]) == (
        maker.name, unit_by_code("350121").name)
    assert (rows[city.number]["enterprise"], rows[city.number]["org_unit"]) == ("", unit_by_code("350100").name)
    assert rows[city.number]["opened"] == date(2026, 4, 2).isoformat() and rows[city.number]["closed"] == ""
    assert [(h["case_number"], h["enterprise"], h["severity"]) for h in lists["hazards"]] == [
        (with_ent.number, maker.name, "major")]
    assert figures["cumulative"]["fines"] == "0.00" and figures["cumulative"]["penalty_decisions"] == 0


@freeze_time("2026-11-19 04:00")
def test_cases_of_earlier_years_count_by_their_own_dates(db_session, case_at):
    from app.reports.statutory import weekly_period

    late_decision = case_at("2025-12-20 02:00", "penalty_case", "350121", facts={
        "decision_no": "闽榕市监罚〔2026〕1号", "decision_date": "2026-01-05", "fine_amount": "1500.50"})
    old_recall = case_at("2025-12-20 02:00", "recall", "350121")
    new_year_recall = case_at("2025-12-30 02:00", "recall", "350121")
    db_session.flush()
    fuzhou = unit_by_code("350100")
    annual = build_report_figures("annual", fuzhou, ANNUAL_2026)
    assert (annual["cumulative"]["penalty_decisions"], annual["cumulative"]["fines"]) == (1, "1500.50")
    assert annual["cumulative"]["cases_opened"] == 0
    assert {c["number"] for c in summary_lists(fuzhou, ANNUAL_2026)["cases"]}.isdisjoint({late_decision.number, old_recall.number})
    # The report of Thursday 1 January covers 25-31 December: its own year's cases, the old ones too.
    week = build_report_figures("weekly", fuzhou, weekly_period(date(2026, 1, 1)))
    assert week["period"]["cases_opened"] == 1 and week["cumulative"]["cases_opened"] == 3
    assert new_year_recall.opened_at.year == 2025
