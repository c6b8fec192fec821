"""The dashboard's grouped figures equal a plain recount of the cases (regions, categories, weeks)."""
import random
from datetime import date

from freezegun import freeze_time
from sqlalchemy import select

from app.auth.models import OrgUnit
from app.cases.models import Case
from app.clock import local_date
from app.reports.indicators import dashboard
from app.reports.scope import Period
from app.seed.reference import unit_by_code
from tests.reports.report_helpers import at

NOW = "2026-11-19 04:00"
UNITS = ["350000", "350100", "350121", "350200", "350203"]
KINDS = ["failed_sample_disposal", "supervision_sampling", "hazard_investigation", "penalty_case"]


def _facts(rng, kind):
    if kind == "supervision_sampling":
        # Every encoding a form or import may have stored for the key-product mark.
        return {"batches": [{"is_key_product": rng.choice([True, False, "true", "1", 1, "no", None])}
                            for _ in range(rng.randint(0, 4))] + ["not a row"]}
    if kind == "hazard_investigation":
        return {"hazards": [{"severity": rng.choice(["major", "general", None]),
                             "status": rng.choice(["fixed", "open", ""])} for _ in range(rng.randint(0, 4))]}
    # Table facts on other kinds are not sampling batches or hazards and must not be counted.
    return {"hazards": [{"severity": "major", "status": "fixed"}], "batches": [{"is_key_product": True}]}


def _scene(case_at, rng):
    for n in range(45):
        kind = rng.choice(KINDS)
        month, day = rng.randint(7, 11), rng.randint(1, 18)
        case = case_at(f"2026-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:30", kind, rng.choice(UNITS),
                       facts=_facts(rng, kind), product_category=rng.choice(["", "e_bike", "wire_cable"]),
                       is_key_product=rng.random() < 0.5, title=f"核对{n}")
        case.status = rng.choice(["open", "closed", "cancelled"])


def _recount(cases, period):
    """The indicators counted directly from the Case rows, the way a reader would."""
    inside = [c for c in cases if period.holds(local_date(c.opened_at))]
    failed = [c for c in inside if c.kind == "failed_sample_disposal"]
    batches = [b for c in inside if c.kind == "supervision_sampling" for b in c.facts["batches"]
               if isinstance(b, dict)]
    hazards = [h for c in inside if c.kind == "hazard_investigation" for h in c.facts["hazards"]]
    return {"open": sum(c.status == "open" for c in failed), "closed": sum(c.status == "closed" for c in failed),
            "failed_key": sum(bool(c.is_key_product) for c in failed),
            "batches": len(batches), "key_batches": sum(b["is_key_product"] in (True, "true", "1") for b in batches),
            "found": len(hazards), "fixed": sum(h["status"] == "fixed" for h in hazards),
            "major": sum(h["severity"] == "major" for h in hazards),
            "major_fixed": sum(h["severity"] == "major" and h["status"] == "fixed" for h in hazards)}


def _shown(group):
    k, d, h = group["key_share"], group["disposal"], group["hazards"]
    return {"open": d["open"], "closed": d["closed"], "failed_key": k["failed_key_cases"], "batches": k["batches"],
            "key_batches": k["key_batches"], "found": h["found"], "fixed": h["fixed"], "major": h["major_found"],
            "major_fixed": h["major_fixed"]}


@freeze_time(NOW)
def test_breakdowns_and_weeks_equal_a_plain_recount(db_session, case_at):
    _scene(case_at, random.Random(11))
    db_session.flush()
    province = unit_by_code("350000")
    period = Period(date(2026, 8, 1), date(2026, 11, 19))
    data = dashboard(province, period, at(NOW))
    cases = list(db_session.scalars(select(Case).where(Case.title.like("核对%"))))
    assert _shown(data["total"]) == _recount(cases, period)
    units = {u.id: u for u in db_session.scalars(select(OrgUnit))}
    for region in data["by_region"]:
        path = unit_by_code(region["code"]).path
        mine = [c for c in cases if units[c.org_unit_id].path.startswith(path)]
        assert _shown(region) == _recount(mine, period), region["code"]
    assert [r["code"] for r in data["by_category"]] == sorted(
        {c.product_category for c in cases if period.holds(local_date(c.opened_at))})
    for row in data["by_category"]:
        mine = [c for c in cases if c.product_category == row["code"]]
        assert _shown(row) == _recount(mine, period), row["code"]
    for week in data["trend"]:
        span = Period(date.fromisoformat(week["start"]), date.fromisoformat(week["end"]))
        expected = _recount(cases, span)
        assert (week["hazards_found"], week["hazards_fixed"]) == (expected["found"], expected["fixed"])
        assert week["failed_opened"] == sum(c.kind == "failed_sample_disposal" and span.holds(local_date(c.opened_at))
                                            for c in cases)
    # The scene really exercises the figures (a recount of nothing would prove nothing).
    assert data["total"]["hazards"]["found"] > 0 and data["total"]["key_share"]["batches"] > 0
    assert any(r["disposal"]["opened"] for r in data["by_region"])
