"""Statutory report figures (DOMAIN.md section 6): weekly, stage and annual summaries.

No date is written here: a report's period comes from its campaign's schedule (app/campaigns/schedule.py).

Attribution rules (shown on the report page as the 口径): a case counts by its opening date, a closed
case by its closing date; self-inspections, inspections, interviews and help by their own dates
(self_inspection_date, inspection_date, interview_date, help_date; else the case's opening date), the
hazards found by the inspection date; penalty decisions and fines by the decision date, on whatever case
the decision was recorded (a penalty run as the call activity of a failed-sample or investigation case
counts like a penalty case); referrals by the transfer date (else the decision date); sampling batches
by the test report date (else the sampling task's opening date), in the product class of each batch.
Status-type values (fixed / open hazards) are as of generation.
"""
from datetime import date, timedelta

from sqlalchemy import func, select

from app.auth.services import unit_ids_in_scope
from app.cases.models import Case
from app.cases.services import KIND_LABELS
from app.clock import local_date
from app.db import db
from app.reports.scope import Period, as_amount, category_label, is_true, parse_day, report_cases, rows_of

# The kinds whose facts feed a figure; the others count by their opening date and status alone.
FACT_KINDS = ("hazard_investigation", "penalty_case", "supervision_sampling", "failed_sample_disposal")
# The kinds whose process records a penalty decision in the case's facts: penalty_case and the processes
# that call it (tests/reports/test_reports_penalty_counts.py checks this against processes/).
DECISION_KINDS = ("penalty_case", "failed_sample_disposal", "hazard_investigation")
SEVERITIES = ("general", "major")

# (key, label, kind of value) in report order; "amount" values are yuan with two decimals.
FIGURE_ROWS = [
    ("enterprises_self_inspected", "完成自查企业数", "count"),
    ("enterprises_inspected", "现场检查企业数", "count"),
    ("hazards_found_general", "发现一般隐患数", "count"),
    ("hazards_found_major", "发现重大隐患数", "count"),
    ("hazards_fixed_general", "已整改一般隐患数", "count"),
    ("hazards_fixed_major", "已整改重大隐患数", "count"),
    ("hazards_open_general", "未整改一般隐患数", "count"),
    ("hazards_open_major", "未整改重大隐患数", "count"),
    ("sampling_batches", "监督抽查批次", "count"),
    ("sampling_failed", "抽查不合格批次", "count"),
    ("cases_opened", "新立案件数", "count"),
    ("cases_closed", "办结案件数", "count"),
    ("penalty_decisions", "作出行政处罚决定数", "count"),
    ("fines", "罚款金额（元）", "amount"),
    ("confiscations", "没收金额（元）", "amount"),
    ("referrals", "移送公安机关数", "count"),
    ("interviews", "约谈企业数", "count"),
    ("listings", "挂牌督办数", "count"),
    ("help_given", "技术帮扶企业数", "count"),
]


def weekly_period(report_day: date) -> Period:
    """The week a weekly report covers: the seven complete days before its report day."""
    return Period(report_day - timedelta(days=7), report_day - timedelta(days=1))


def cumulative_period(period: Period, since: date | None = None) -> Period:
    """From `since` (the campaign's start; else January 1 of the period's end year) to the period's end."""
    return Period(min(since or date(period.end.year, 1, 1), period.start), period.end)


def _case_day(case, key=None):
    return parse_day((case.facts or {}).get(key)) if key else None


def _inspection_day(case):
    return _case_day(case, "inspection_date") or local_date(case.opened_at)


def _decision_day(case):
    return _case_day(case, "decision_date") or local_date(case.opened_at)


def _own_day(case, key):
    return _case_day(case, key) or local_date(case.opened_at)


def _is_decision(case):
    """A penalty decision was made (a 'no penalty' outcome is not one)."""
    facts = case.facts or {}
    return bool(facts.get("decision_no") or facts.get("decision_date")) and facts.get("decision_result") != "no_penalty"


def _hazard_rows(case):
    return rows_of((case.facts or {}).get("hazards"))


def _figures(cases, unit, period: Period) -> dict:
    """Every weekly figure of `unit` and the units below it for `period` (plain numbers, JSON-ready)."""
    hazard = [c for c in cases if c.kind == "hazard_investigation"]
    out = {key: 0 for key, _label, _t in FIGURE_ROWS}
    out["enterprises_self_inspected"] = len({c.enterprise_id or -c.id for c in hazard
                                             if is_true(c.facts.get("self_inspection_submitted"))
                                             and period.holds(_own_day(c, "self_inspection_date"))})
    out["enterprises_inspected"] = len({c.enterprise_id or -c.id for c in hazard
                                        if period.holds(_case_day(c, "inspection_date"))})
    for c in hazard:
        if not period.holds(_inspection_day(c)):
            continue
        for row in _hazard_rows(c):
            sev = "major" if row.get("severity") == "major" else "general"
            out[f"hazards_found_{sev}"] += 1
            out[f"hazards_{'fixed' if row.get('status') == 'fixed' else 'open'}_{sev}"] += 1
    out["interviews"] = sum(1 for c in hazard if period.holds(_case_day(c, "interview_date")))
    out["help_given"] = len({c.enterprise_id or -c.id for c in hazard
                             if is_true(c.facts.get("help_given")) and period.holds(_own_day(c, "help_date"))})
    batches = [b for _c, b in _batches(cases, period)]
    out["sampling_batches"] = len(batches)
    out["sampling_failed"] = sum(1 for b in batches if b.get("conclusion") == "fail")
    fines = confiscations = 0
    for c in cases:
        if c.kind not in DECISION_KINDS:
            continue
        if _is_decision(c) and period.holds(_decision_day(c)):
            out["penalty_decisions"] += 1
            fines += as_amount(c.facts.get("fine_amount"))
            confiscations += as_amount(c.facts.get("confiscation_amount"))
        if is_true(c.facts.get("referred_to_police")) and \
                period.holds(_case_day(c, "transfer_at") or _decision_day(c)):
            out["referrals"] += 1
    out["fines"], out["confiscations"] = f"{fines:.2f}", f"{confiscations:.2f}"
    out["listings"] = sum(1 for c in cases if c.kind == "listed_supervision" and period.holds(local_date(c.opened_at)))
    out["cases_opened"] = sum(1 for c in cases if period.holds(local_date(c.opened_at)))
    out["cases_closed"] = _closed_count(unit, period)
    return out


def _closed_count(unit, period: Period) -> int:
    # Closing may come after the report's cases were opened; count straight from closed_at.
    stmt = select(func.count(Case.id)).where(Case.org_unit_id.in_(unit_ids_in_scope(unit)),
                                             Case.status == "closed", Case.closed_at >= period.start_at,
                                             Case.closed_at < period.end_at)
    return db.scalar(stmt) or 0


def category_table(cases, period: Period) -> list[dict]:
    """Per product class: cases opened, enterprises inspected, hazards, batches, penalties, fines."""
    by_cat: dict[str, list] = {}
    for c in cases:
        by_cat.setdefault(c.product_category or "", []).append(c)
    # A sampling task covers several classes: its batches count under each batch's own class.
    batches_by_cat: dict[str, list] = {}
    for c, batch in _batches(cases, period):
        batches_by_cat.setdefault(batch.get("product_category") or c.product_category or "", []).append(batch)
    rows = []
    for code in sorted(set(by_cat) | set(batches_by_cat), key=lambda k: (k == "", k)):
        f = _figures_for_rows(by_cat.get(code, []), batches_by_cat.get(code, []), period)
        if any(v not in (0, "0.00") for v in f.values()):  # classes with nothing in the period are left out
            rows.append({"category": code, "label": category_label(code), **f})
    return rows


def _batches(cases, period):
    """(sampling case, batch row) of the batches reported in the period."""
    return [(c, b) for c in cases if c.kind == "supervision_sampling" and period.holds(_own_day(c, "report_date"))
            for b in rows_of((c.facts or {}).get("batches"))]


def _figures_for_rows(cases, batches, period):
    hazards_found = hazards_fixed = decisions = 0
    fines = 0
    inspected = set()
    for c in cases:
        if c.kind == "hazard_investigation":
            if period.holds(_case_day(c, "inspection_date")):
                inspected.add(c.enterprise_id or -c.id)
            if period.holds(_inspection_day(c)):
                rows = _hazard_rows(c)
                hazards_found += len(rows)
                hazards_fixed += sum(1 for r in rows if r.get("status") == "fixed")
        if c.kind in DECISION_KINDS and _is_decision(c) and period.holds(_decision_day(c)):
            decisions += 1
            fines += as_amount(c.facts.get("fine_amount"))
    opened = sum(1 for c in cases if period.holds(local_date(c.opened_at)))
    return {"cases_opened": opened, "enterprises_inspected": len(inspected), "hazards_found": hazards_found,
            "hazards_fixed": hazards_fixed, "sampling_batches": len(batches),
            "sampling_failed": sum(1 for b in batches if b.get("conclusion") == "fail"),
            "penalty_decisions": decisions, "fines": f"{fines:.2f}"}


def hazard_list(cases, period: Period) -> list[dict]:
    """Every hazard row found in the period, with its case and enterprise."""
    out = []
    for c in cases:
        if c.kind != "hazard_investigation" or not period.holds(_inspection_day(c)):
            continue
        for row in _hazard_rows(c):
            out.append({"case_number": c.number, "case_id": c.id,
                        "enterprise": c.enterprise_name,
                        "category": category_label(c.product_category),
                        "description": str(row.get("description", "")), "source": str(row.get("source", "")),
                        "severity": "major" if row.get("severity") == "major" else "general",
                        "measures": str(row.get("measures", "")), "owner": str(row.get("owner", "")),
                        "deadline": str(row.get("deadline", "") or ""),
                        "status": "fixed" if row.get("status") == "fixed" else "open"})
    return out


def case_list(cases, period: Period) -> list[dict]:
    """Every case opened in the period, oldest first."""
    return [{"case_id": c.id, "number": c.number, "kind": c.kind, "kind_label": KIND_LABELS.get(c.kind, c.kind),
             "title": c.title, "enterprise": c.enterprise_name,
             "org_unit": c.org_unit_name, "category": category_label(c.product_category), "status": c.status,
             "opened": local_date(c.opened_at).isoformat(),
             "closed": local_date(c.closed_at).isoformat() if c.closed_at else ""}
            for c in cases if period.holds(local_date(c.opened_at))]


# Figures that are plain counts of cases by opening date: the case list shows exactly those cases.
DRILLABLE = {"cases_opened": {}, "listings": {"kind": "listed_supervision"}}


def figure_filters(report) -> dict:
    """{figure key: {column: case-list filter}} for the report's figures a case list reproduces."""
    period = Period(report.period_start, report.period_end)
    since = report.figures.get("since") if isinstance(report.figures, dict) else None
    since = date.fromisoformat(since) if since else None
    columns = {"cumulative": cumulative_period(period, since) if report.kind == "weekly" else period}
    if report.kind == "weekly":
        columns["period"] = period
    return {key: {col: {"org": report.org_unit.code, "opened_from": p.start.isoformat(),
                        "opened_to": p.end.isoformat(), **extra} for col, p in columns.items()}
            for key, extra in DRILLABLE.items()}


def build_report_figures(kind: str, unit, period: Period, since: date | None = None) -> dict:
    """The stored figures of a report: weekly = this week and cumulative (from `since`); summaries add tables."""
    # A hazard, penalty or sampling case of an earlier year may still count by its own dates (a decision
    # in January on a case opened in December); the other kinds only count when opened in the report.
    cumulative = cumulative_period(period, since)
    earliest = min(period.start, cumulative.start)
    cases = report_cases(unit, opened_before=period.end_at, fact_kinds=FACT_KINDS,
                         others_from=Period(earliest, earliest).start_at)
    if kind == "weekly":
        return {"period": _figures(cases, unit, period), "cumulative": _figures(cases, unit, cumulative),
                "since": cumulative.start.isoformat()}
    return {"cumulative": _figures(cases, unit, period), "by_category": category_table(cases, period),
            "hazards": hazard_list(cases, period), "cases": case_list(cases, period)}
