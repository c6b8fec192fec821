"""Every weekly, stage and annual figure equals a plain recount of a seeded period (some crossing a year)."""
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cases.models import Case
from app.clock import local_date
from app.reports.scope import Period
from app.reports.statutory import FIGURE_ROWS, build_report_figures, cumulative_period, summary_lists, weekly_period
from app.seed.reference import unit_by_code

UNITS = ["350000", "350100", "350121", "350102", "350200", "350203"]
KINDS = ["hazard_investigation", "penalty_case", "failed_sample_disposal", "supervision_sampling",
         "listed_supervision", "risk_monitoring"]
FIRST = date(2025, 11, 20)
DAYS = 430  # to late January 2027


def _iso(day):
    return day.isoformat()


def _facts(rng, kind, opened: date):
    """Facts a process may have recorded, dated on or after the opening day (sometimes missing)."""
    later = lambda: opened + timedelta(days=rng.randint(0, 40))  # noqa: E731
    facts = {}
    if kind == "hazard_investigation":
        facts["self_inspection_submitted"] = rng.choice([True, False, "true", "是", "no"])
        if rng.random() < 0.7:
            facts["self_inspection_date"] = _iso(later())
        if rng.random() < 0.7:
            facts["inspection_date"] = _iso(later())
        facts["hazards"] = [{"severity": rng.choice(["major", "general", None]),
                             "status": rng.choice(["fixed", "open", ""]), "description": f"隐患{i}"}
                            for i in range(rng.randint(0, 3))]
        if rng.random() < 0.4:
            facts["interview_date"] = _iso(later())
        if rng.random() < 0.4:
            facts["help_given"] = True
            if rng.random() < 0.6:
                facts["help_date"] = _iso(later())
    if kind == "supervision_sampling":
        if rng.random() < 0.7:
            facts["report_date"] = _iso(later())
        facts["batches"] = [{"conclusion": rng.choice(["pass", "fail"]),
                             "product_category": rng.choice(["wire_cable", "e_bike", ""])}
                            for _ in range(rng.randint(0, 4))]
    if kind in ("penalty_case", "failed_sample_disposal", "hazard_investigation") and rng.random() < 0.6:
        # A decision on the case itself or run as the call activity of a disposal or investigation.
        if rng.random() < 0.8:
            facts["decision_date"] = _iso(later())
        if rng.random() < 0.8:
            facts["decision_no"] = f"罚〔{opened.year}〕{rng.randint(1, 99)}号"
        facts["decision_result"] = rng.choice(["penalty", "penalty", "no_penalty"])
        facts["fine_amount"] = rng.choice(["36000.00", "1,200.50", 5000, "", None])
        facts["confiscation_amount"] = rng.choice(["3000.00", "0", None])
        if rng.random() < 0.3:
            facts["referred_to_police"] = rng.choice([True, "true"])
            if rng.random() < 0.5:
                facts["transfer_at"] = f"{_iso(later())}T18:30:00+00:00"  # the next day in Beijing
    return facts


@pytest.fixture()
def seeded(db_session, case_at, make_enterprise):
    rng = random.Random(12)
    enterprises = [make_enterprise() for _ in range(8)]
    for n in range(140):
        kind = rng.choice(KINDS)
        moment = datetime.combine(FIRST, datetime.min.time(), UTC) + timedelta(days=rng.randint(0, DAYS),
                                                                             hours=rng.randint(0, 23))
        opened = local_date(moment)
        case = case_at(moment.strftime("%Y-%m-%d %H:%M"), kind, rng.choice(UNITS), facts=_facts(rng, kind, opened),
                       product_category=rng.choice(["wire_cable", "e_bike", "gas_appliance", ""]),
                       enterprise=rng.choice(enterprises), title=f"核对{n}")
        if rng.random() < 0.4:
            case.status, case.closed_at = "closed", moment + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 9))
    db_session.flush()
    return list(db_session.scalars(select(Case)))


# -- the plain recount -------------------------------------------------------------------------------------

def _day(value):
    if not value:
        return None
    if "T" in str(value):
        return local_date(datetime.fromisoformat(str(value)))
    return date.fromisoformat(str(value))


def _true(value):
    return value in (True, "true", "是")


def _money(value):
    return Decimal(str(value).replace(",", "")) if value not in (None, "") else Decimal(0)


def _recount(cases, unit, period):
    """Each figure counted from the rows, rule by rule as the report page states them (口径)."""
    inside = lambda d: d is not None and period.start <= d <= period.end  # noqa: E731
    mine = [c for c in cases if c.org_unit.path.startswith(unit.path) and local_date(c.opened_at) <= period.end]
    opened = lambda c: local_date(c.opened_at)  # noqa: E731
    hazard = [c for c in mine if c.kind == "hazard_investigation"]
    out = {key: 0 for key, _l, _t in FIGURE_ROWS}
    out["enterprises_self_inspected"] = len({c.enterprise_id for c in hazard
                                             if _true(c.facts.get("self_inspection_submitted"))
                                             and inside(_day(c.facts.get("self_inspection_date")) or opened(c))})
    out["enterprises_inspected"] = len({c.enterprise_id for c in hazard if inside(_day(c.facts.get("inspection_date")))})
    for c in hazard:
        if inside(_day(c.facts.get("inspection_date")) or opened(c)):
            for h in c.facts["hazards"]:
                sev = "major" if h["severity"] == "major" else "general"
                out[f"hazards_found_{sev}"] += 1
                out[f"hazards_{'fixed' if h['status'] == 'fixed' else 'open'}_{sev}"] += 1
    out["interviews"] = sum(1 for c in hazard if inside(_day(c.facts.get("interview_date"))))
    out["help_given"] = len({c.enterprise_id for c in hazard if c.facts.get("help_given")
                             and inside(_day(c.facts.get("help_date")) or opened(c))})
    batches = [b for c in mine if c.kind == "supervision_sampling"
               and inside(_day(c.facts.get("report_date")) or opened(c)) for b in c.facts["batches"]]
    out["sampling_batches"], out["sampling_failed"] = len(batches), sum(b["conclusion"] == "fail" for b in batches)
    fines = confiscations = Decimal(0)
    for c in mine:
        f = c.facts
        decided = (f.get("decision_no") or f.get("decision_date")) and f.get("decision_result") != "no_penalty"
        decision_day = _day(f.get("decision_date")) or opened(c)
        if decided and inside(decision_day):
            out["penalty_decisions"] += 1
            fines += _money(f.get("fine_amount"))
            confiscations += _money(f.get("confiscation_amount"))
        if f.get("referred_to_police") and inside(_day(f.get("transfer_at")) or decision_day):
            out["referrals"] += 1
    out["fines"], out["confiscations"] = f"{fines:.2f}", f"{confiscations:.2f}"
    out["listings"] = sum(1 for c in mine if c.kind == "listed_supervision" and inside(opened(c)))
    out["cases_opened"] = sum(1 for c in mine if inside(opened(c)))
    out["cases_closed"] = sum(1 for c in cases if c.org_unit.path.startswith(unit.path) and c.status == "closed"
                              and inside(local_date(c.closed_at)))
    return out


# Report days of a Thursday schedule around the turn of the year, and a campaign starting in December.
REPORT_DAYS = [date(2026, 3, 5), date(2026, 11, 19), date(2026, 12, 31), date(2027, 1, 7), date(2027, 1, 14)]
CAMPAIGN_START = date(2025, 12, 1)


@pytest.mark.parametrize("code", ["350000", "350100", "350121", "350200"])
def test_weekly_figures_equal_the_recount(seeded, code):
    unit = unit_by_code(code)
    for report_day in REPORT_DAYS:
        week = weekly_period(report_day)
        figures = build_report_figures("weekly", unit, week, since=CAMPAIGN_START)
        assert figures["period"] == _recount(seeded, unit, week), (code, report_day)
        assert figures["cumulative"] == _recount(seeded, unit, Period(CAMPAIGN_START, week.end)), (code, report_day)
        # Without a campaign the cumulative column starts on January 1, or with the week when it crosses the year.
        plain = build_report_figures("weekly", unit, week)
        start = cumulative_period(week).start
        assert start == (week.start if week.start.year < week.end.year else date(week.end.year, 1, 1))
        assert plain["cumulative"] == _recount(seeded, unit, Period(start, week.end)), (code, report_day)


@pytest.mark.parametrize("kind,end", [("stage", date(2026, 7, 25)), ("annual", date(2026, 11, 5)),
                                      ("annual", date(2027, 1, 10))])
def test_summary_figures_and_tables_equal_the_recount(seeded, kind, end):
    for code in ("350000", "350100", "350203"):
        unit, period = unit_by_code(code), Period(CAMPAIGN_START, end)
        figures = build_report_figures(kind, unit, period)
        expected = _recount(seeded, unit, period)
        assert figures["cumulative"] == expected, (code, kind, end)
        # The attached tables add up to the same figures.
        by_cat = figures["by_category"]
        assert sum(r["cases_opened"] for r in by_cat) == expected["cases_opened"]
        assert sum(r["penalty_decisions"] for r in by_cat) == expected["penalty_decisions"]
        assert sum(r["hazards_found"] for r in by_cat) == expected["hazards_found_general"] + \
            expected["hazards_found_major"]
        assert sum(r["sampling_batches"] for r in by_cat) == expected["sampling_batches"]
        lists = summary_lists(unit, period)
        assert len(lists["hazards"]) == lists["hazards_total"] == \
            expected["hazards_found_general"] + expected["hazards_found_major"]
        assert len(lists["cases"]) == lists["cases_total"] == expected["cases_opened"]
        shown = summary_lists(unit, period, limit=3)  # what the page shows first
        assert shown["cases"] == lists["cases"][:3] and shown["hazards"] == lists["hazards"][:3]


def test_the_seed_reaches_every_figure(seeded):
    """The scene is rich enough that a wrong rule would show (no figure is zero over the whole range)."""
    whole = _recount(seeded, unit_by_code("350000"), Period(FIRST, FIRST + timedelta(days=DAYS + 60)))
    assert all(v not in (0, "0.00") for v in whole.values()), whole
    crossing = _recount(seeded, unit_by_code("350000"), weekly_period(date(2027, 1, 7)))
    assert crossing["cases_opened"] > 0
