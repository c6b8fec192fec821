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
from decimal import Decimal

from sqlalchemy import and_, distinct, func, select
from sqlalchemy import case as sql_case

from app.auth.models import OrgUnit
from app.auth.services import scope_subquery
from app.cases.models import Case, Enterprise
from app.cases.services import KIND_LABELS
from app.cases.tally import DECISION_KINDS, rows_of  # noqa: F401  (DECISION_KINDS: checked by the penalty tests)
from app.clock import local_date
from app.db import db
from app.reports.scope import Period, category_label

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


def _within(column, period: Period):
    return and_(column >= period.start, column <= period.end)


def _count_if(condition):
    return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)


def _sum_if(condition, column):
    return func.coalesce(func.sum(sql_case((condition, func.coalesce(column, 0)), else_=0)), 0)


def _enterprises_if(condition):
    # An enterprise counts once however many of its cases qualify; a case with no enterprise counts alone.
    return func.count(distinct(sql_case((condition, func.coalesce(Case.enterprise_id, -Case.id)))))


def _figure_columns(period: Period, prefix: str) -> list:
    """Every weekly figure of one period as a labelled aggregate over the scope's cases."""
    hazard_in = _within(Case.tally_hazard_day, period)
    decided_in = _within(Case.tally_decision_day, period)
    columns = {
        "enterprises_self_inspected": _enterprises_if(_within(Case.tally_self_day, period)),
        "enterprises_inspected": _enterprises_if(_within(Case.tally_inspection_day, period)),
        "hazards_found_general": _sum_if(hazard_in, Case.tally_hz_general),
        "hazards_found_major": _sum_if(hazard_in, Case.tally_hz_major),
        "hazards_fixed_general": _sum_if(hazard_in, Case.tally_hz_general_fixed),
        "hazards_fixed_major": _sum_if(hazard_in, Case.tally_hz_major_fixed),
        "sampling_batches": _sum_if(_within(Case.tally_report_day, period), Case.tally_batches),
        "sampling_failed": _sum_if(_within(Case.tally_report_day, period), Case.tally_batches_failed),
        "cases_opened": _count_if(_within(Case.tally_opened_day, period)),
        # A case closed in the period was opened before its end, so the scope's WHERE keeps it.
        "cases_closed": _count_if(and_(Case.status == "closed", Case.closed_at >= period.start_at,
                                       Case.closed_at < period.end_at)),
        "penalty_decisions": _count_if(decided_in),
        "fines": _sum_if(decided_in, Case.tally_fine_fen),
        "confiscations": _sum_if(decided_in, Case.tally_confiscation_fen),
        "referrals": _count_if(_within(Case.tally_referral_day, period)),
        "interviews": _count_if(_within(Case.tally_interview_day, period)),
        "listings": _count_if(and_(Case.kind == "listed_supervision", _within(Case.tally_opened_day, period))),
        "help_given": _enterprises_if(_within(Case.tally_help_day, period)),
    }
    return [column.label(f"{prefix}{key}") for key, column in columns.items()]


def _yuan(fen) -> str:
    return f"{Decimal(int(fen or 0)) / 100:.2f}"


def _scope(unit, period_end: date) -> list:
    """The cases of `unit` and below opened up to the end of the report (later ones count nowhere)."""
    return [Case.org_unit_id.in_(scope_subquery(unit)), Case.tally_opened_day <= period_end]


def period_figures(unit, periods: dict[str, Period]) -> dict[str, dict]:
    """{name: every weekly figure of `unit` and below for that period}, from one aggregate statement."""
    columns = [c for name, period in periods.items() for c in _figure_columns(period, f"{name}__")]
    row = db.execute(select(*columns).where(*_scope(unit, max(p.end for p in periods.values())))).one()._mapping
    out = {}
    for name in periods:
        figures = {key: int(row[f"{name}__{key}"] or 0) for key, _label, _t in FIGURE_ROWS
                   if not key.startswith("hazards_open_")}
        for severity in SEVERITIES:
            figures[f"hazards_open_{severity}"] = figures[f"hazards_found_{severity}"] - \
                figures[f"hazards_fixed_{severity}"]
        figures["fines"], figures["confiscations"] = _yuan(figures["fines"]), _yuan(figures["confiscations"])
        out[name] = {key: figures[key] for key, _label, _t in FIGURE_ROWS}
    return out


CATEGORY_KEYS = ("cases_opened", "enterprises_inspected", "hazards_found", "hazards_fixed", "sampling_batches",
                 "sampling_failed", "penalty_decisions", "fines")


def category_table(unit, period: Period) -> list[dict]:
    """Per product class: cases opened, enterprises inspected, hazards, batches, penalties, fines."""
    hazard_in, decided_in = _within(Case.tally_hazard_day, period), _within(Case.tally_decision_day, period)
    stmt = (select(Case.product_category, _count_if(_within(Case.tally_opened_day, period)),
                   _enterprises_if(_within(Case.tally_inspection_day, period)),
                   _sum_if(hazard_in, Case.tally_hz_general + Case.tally_hz_major),
                   _sum_if(hazard_in, Case.tally_hz_general_fixed + Case.tally_hz_major_fixed),
                   _count_if(decided_in), _sum_if(decided_in, Case.tally_fine_fen))
            .where(*_scope(unit, period.end)).group_by(Case.product_category))
    by_cat = {}
    for code, opened, inspected, found, fixed, decisions, fines in db.execute(stmt):
        values = (opened, inspected, found, fixed, 0, 0, decisions, fines)  # batches: added below, by class
        by_cat[code or ""] = dict(zip(CATEGORY_KEYS, map(int, values), strict=True))
    # A sampling task covers several classes: its batches count under each batch's own class.
    for own, classes in db.execute(select(Case.product_category, Case.tally_batch_classes).where(
            *_scope(unit, period.end), _within(Case.tally_report_day, period), Case.tally_batches > 0)):
        for code, (batches, failed) in (classes or {}).items():
            row = by_cat.setdefault(code or own or "", {key: 0 for key in CATEGORY_KEYS})
            row["sampling_batches"] += batches
            row["sampling_failed"] += failed
    rows = []
    for code in sorted(by_cat, key=lambda k: (k == "", k)):
        figures = {**by_cat[code], "fines": _yuan(by_cat[code]["fines"])}
        if any(v not in (0, "0.00") for v in figures.values()):  # classes with nothing in the period are left out
            rows.append({"category": code, "label": category_label(code), **figures})
    return rows


def hazard_list(unit, period: Period, limit=None) -> list[dict]:
    """The hazard rows found in the period (the first `limit`) with case and enterprise; reads only those ledgers."""
    stmt = (select(Case.id, Case.number, Case.product_category, Enterprise.name, Case.facts["hazards"])
            .outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
            .where(*_scope(unit, period.end), _within(Case.tally_hazard_day, period),
                   Case.tally_hz_general + Case.tally_hz_major > 0)
            .order_by(Case.opened_at, Case.id).limit(limit))  # every such case has a row: enough cases
    out = []
    for case_id, number, category, enterprise, hazards in db.execute(stmt):
        for row in rows_of(hazards):
            out.append({"case_number": number, "case_id": case_id, "enterprise": enterprise or "",
                        "category": category_label(category),
                        "description": str(row.get("description", "")), "source": str(row.get("source", "")),
                        "severity": "major" if row.get("severity") == "major" else "general",
                        "measures": str(row.get("measures", "")), "owner": str(row.get("owner", "")),
                        "deadline": str(row.get("deadline", "") or ""),
                        "status": "fixed" if row.get("status") == "fixed" else "open"})
    return out[:limit]


def case_list(unit, period: Period, limit=None) -> list[dict]:
    """The cases opened in the period (the first `limit`), oldest first."""
    stmt = (select(Case.id, Case.number, Case.kind, Case.title, Enterprise.name, OrgUnit.name, Case.product_category,
                   Case.status, Case.tally_opened_day, Case.closed_at)
            .join(OrgUnit, OrgUnit.id == Case.org_unit_id).outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
            .where(*_scope(unit, period.end), _within(Case.tally_opened_day, period))
            .order_by(Case.opened_at, Case.id).limit(limit))
    return [{"case_id": r[0], "number": r[1], "kind": r[2], "kind_label": KIND_LABELS.get(r[2], r[2]),
             "title": r[3], "enterprise": r[4] or "", "org_unit": r[5], "category": category_label(r[6]),
             "status": r[7], "opened": r[8].isoformat(), "closed": local_date(r[9]).isoformat() if r[9] else ""}
            for r in db.execute(stmt)]


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
    """The stored figures of a report: weekly = this week and cumulative (from `since`); summaries add the
    per-class table. The hazard and case lists are read when shown (summary_lists): a province's year holds
    tens of thousands of rows, 50 MB of JSON that no page shows at once."""
    if kind == "weekly":
        cumulative = cumulative_period(period, since)
        figures = period_figures(unit, {"period": period, "cumulative": cumulative})
        return {**figures, "since": cumulative.start.isoformat()}
    return {"cumulative": period_figures(unit, {"cumulative": period})["cumulative"],
            "by_category": category_table(unit, period)}


def summary_lists(unit, period: Period, limit=None) -> dict:
    """A summary's attached lists as they stand now: hazards found and cases opened in the period (the first
    `limit` of each), with how many there are in all."""
    hazards, cases = db.execute(select(
        _sum_if(_within(Case.tally_hazard_day, period), Case.tally_hz_general + Case.tally_hz_major),
        _count_if(_within(Case.tally_opened_day, period))).where(*_scope(unit, period.end))).one()
    return {"hazards": hazard_list(unit, period, limit), "cases": case_list(unit, period, limit),
            "hazards_total": int(hazards), "cases_total": int(cases)}
