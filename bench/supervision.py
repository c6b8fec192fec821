"""Supervisor pages at provincial scale: dashboard, statutory reports, overdue board, case list and export.

A province's year is built in a fresh SQLite file and a private PostgreSQL database: the reference org
tree, BENCH_SUP_CASES (default 20,000) cases over the last 365 days across every kind and bureau, with
realistic facts (hazard tables, sampling batches, penalty amounts). The bulk of the cases is inserted
directly as rows (no process instance behind them); BENCH_SUP_ENGINE (default 600) further cases are
opened through the real engine so human_task rows exist, and a third of their ready tasks are moved
past due so the overdue board has work. Each page is then requested through the Flask test client by a
logged-in province, city and county head; the median of BENCH_SUP_RUNS (default 5) runs is reported.
Targets: every page under 1 s for the province head, report generation under 5 s.
"""
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import insert, select, update

from bench.campaign import bench_campaign
from bench.pgdb import private_database

CASES = int(os.environ.get("BENCH_SUP_CASES", "20000"))
ENGINE_CASES = int(os.environ.get("BENCH_SUP_ENGINE", "600"))
RUNS = int(os.environ.get("BENCH_SUP_RUNS", "5"))
PAGE_TARGET_S, REPORT_TARGET_S = 1.0, 5.0
PASSWORD = "bench-pass-123"
HEADS = {"province": "350000", "city": "350100", "county": "350121"}

# Cases a year per kind (relative weights) - investigations and sample disposals dominate.
KIND_WEIGHTS = {"hazard_investigation": 30, "failed_sample_disposal": 20, "penalty_case": 15,
                "risk_monitoring": 12, "supervision_sampling": 10, "listed_supervision": 3, "recall": 3}
CATEGORIES = ["hazardous_chemicals", "chemical_packaging", "road_tank", "steel_rebar", "cement", "wire_cable",
              "gas_appliance", "fireworks", "e_bike", "e_bike_charger_battery", "other"]
PRODUCTS = {"hazardous_chemicals": "工业硫酸", "chemical_packaging": "危化品包装桶", "road_tank": "危险品罐车罐体",
            "steel_rebar": "热轧带肋钢筋", "cement": "通用硅酸盐水泥", "wire_cable": "电线电缆",
            "gas_appliance": "家用燃气灶具", "fireworks": "烟花爆竹", "e_bike": "电动自行车",
            "e_bike_charger_battery": "电动自行车充电器", "other": "日用消费品"}


def _day(moment, days):
    return (moment + timedelta(days=days)).date().isoformat()


def _facts(kind, rng, opened, ent):
    """Start facts plus the facts the kind's forms would have written by now."""
    later = lambda lo, hi: _day(opened, rng.randint(lo, hi))  # noqa: E731 - a dated step after opening
    if kind == "hazard_investigation":
        problems = ["储存场所未分区", "安全阀失效", "标识缺失", "出厂检验记录不全"]
        hazards = [{"description": f"隐患{n + 1}：{rng.choice(problems)}",
                    "source": rng.choice(["self_inspection", "inspection"]),
                    "severity": "major" if rng.random() < 0.15 else "general", "measures": "限期整改并复查",
                    "owner": "企业负责人", "deadline": later(20, 60),
                    "status": "fixed" if rng.random() < 0.7 else "open"} for n in range(rng.randint(0, 5))]
        return {"campaign_name": "重点工业产品质量安全隐患排查治理", "self_inspection_due": later(15, 30),
                "inspection_due": later(60, 90), "self_inspection_submitted": rng.random() < 0.85,
                "self_inspection_date": later(5, 25), "self_inspection_verdict": rng.choice(
                    ["consistent", "consistent", "perfunctory", "false"]), "inspection_date": later(20, 80),
                "interview_date": later(30, 90) if rng.random() < 0.2 else None, "hazards": hazards,
                "help_given": rng.random() < 0.3, "help_date": later(40, 100)}
    if kind == "failed_sample_disposal":
        return {"sample_no": f"YP{rng.randint(10**7, 10**8)}", "test_report_no": f"BG{rng.randint(10**7, 10**8)}",
                "test_lab": "福建省产品质量检验研究院", "test_date": later(-20, -5),
                "failed_items": [{"item": "绝缘电阻", "limit": "≥100MΩ", "measured": "35MΩ", "is_safety": True}],
                "is_food": False, "is_consumer_product": rng.random() < 0.5, "goods_value": rng.randint(1000, 500000),
                "notice_date": later(1, 5), "objection_received": rng.random() < 0.1,
                "rectify_order_date": later(10, 20), "recheck_result": rng.choice(["pass", "pass", "fail"])}
    if kind == "penalty_case":
        decided = rng.random() < 0.7
        return {"reason": "生产不合格产品", "open_decision": "open",
                "decision_no": f"闽市监罚〔{opened.year}〕{rng.randint(1, 9999)}号" if decided else "",
                "decision_date": later(30, 90) if decided else None,
                "fine_amount": f"{rng.randint(5, 2000) * 100}.00" if decided else None,
                "confiscation_amount": rng.randint(0, 50000) if decided else None,
                "referred_to_police": rng.random() < 0.03}
    if kind == "supervision_sampling":
        batches = [{"sample_no": f"CC{rng.randint(10**7, 10**8)}", "product_category": rng.choice(CATEGORIES),
                    "is_key_product": rng.random() < 0.4, "conclusion": "fail" if rng.random() < 0.08 else "pass",
                    "enterprise_uscc": ent[0], "enterprise_name": ent[1]} for _ in range(rng.randint(5, 25))]
        return {"plan_name": f"{opened.year}年监督抽查", "sample_count": len(batches), "sampling_due": later(30, 60),
                "report_date": later(20, 70), "batches": batches}
    if kind == "risk_monitoring":
        return {"signal_source": rng.choice(["complaint", "monitoring", "sampling", "media", "other"]),
                "signal_description": "消费者投诉产品存在起火隐患"}
    if kind == "listed_supervision":
        return {"reason": "重大隐患逾期未整改", "listing_level": rng.choice(["province", "city"]),
                "listing_reason": "重大隐患逾期未整改", "delisted": rng.random() < 0.5}
    return {"reason": "缺陷产品", "recall_type": rng.choice(["ordered", "voluntary"]),
            "recalled_quantity": rng.randint(10, 5000)}


def bulk_cases(db, now, rng, count=CASES):
    """Insert enterprises and `count` case rows directly (no engine), in chunks."""
    from app.auth.models import OrgUnit
    from app.cases.models import Case, Enterprise
    from app.cases.services import KIND_LABELS, KIND_PREFIX
    from app.cases.tally import tally_values
    from app.formdefs.uscc import make_uscc

    units = list(db.scalars(select(OrgUnit).where(OrgUnit.kind == "bureau")))  # testing bodies open no cases
    weights = [{"province": 1, "city": 6, "county": 10}[u.level] for u in units]
    db.execute(insert(Enterprise), [{"uscc": make_uscc(f"91350000MC{n:07d}"), "name": f"福建省基准企业{n}有限公司",
                                     "region_code": "350000"} for n in range(max(10, count // 7))])
    ents = list(db.execute(select(Enterprise.id, Enterprise.uscc, Enterprise.name)))
    kinds = list(KIND_WEIGHTS)
    rows = []
    for n in range(count):
        kind = rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
        unit = rng.choices(units, weights)[0]
        opened = now - timedelta(days=rng.uniform(0, 365))
        ent = rng.choice(ents)
        category = rng.choice(CATEGORIES)
        age = (now - opened).days
        status = "closed" if rng.random() < min(0.95, age / 120) else ("cancelled" if rng.random() < 0.03 else "open")
        closed = opened + timedelta(days=rng.uniform(1, max(1.5, age))) if status == "closed" else None
        facts = _facts(kind, rng, opened, (ent.uscc, ent.name))
        # A bulk INSERT passes the ORM's hook by: the report tally is derived here, as the hook would.
        rows.append({**tally_values(kind, facts, opened),
                     "number": f"{KIND_PREFIX.get(kind, 'QS')}-{unit.code}-{opened.year}-B{n:06d}", "kind": kind,
                     "title": f"{ent.name}{PRODUCTS[category]}{KIND_LABELS.get(kind, '')}", "enterprise_id": ent.id,
                     "org_unit_id": unit.id, "product_category": category, "product_name": PRODUCTS[category],
                     "is_key_product": category != "other", "status": status,
                     "facts": facts, "opened_at": opened,
                     "closed_at": closed})
        if len(rows) == 2000:
            db.execute(insert(Case), rows)
            rows = []
    if rows:
        db.execute(insert(Case), rows)


def _engine_start_facts(now):
    """Per kind, a function giving the start facts of a case opened through the engine."""
    return {
        "hazard_investigation": lambda: {"campaign_name": "基准专项行动", "self_inspection_due": _day(now, 30),
                                         "inspection_due": _day(now, 90)},
        "failed_sample_disposal": lambda: {"sample_no": "YP1", "test_report_no": "BG1", "test_lab": "省质检院",
                                           "test_date": _day(now, -10), "failed_items": [
                                               {"item": "标识", "limit": "齐全", "measured": "缺失",
                                                "is_safety": False}],
                                           "is_food": False, "is_consumer_product": True, "goods_value": 12000},
        "risk_monitoring": lambda: {"signal_source": "complaint", "signal_description": "投诉"},
        "supervision_sampling": lambda: {"plan_name": "基准抽查", "sample_count": 10, "sampling_due": _day(now, 40)},
        "penalty_case": lambda: {"reason": "基准"}, "listed_supervision": lambda: {"reason": "基准"},
        "recall": lambda: {"reason": "基准"}}


def _engine_cases(app, now, rng):
    """ENGINE_CASES cases opened through the engine; a third of their ready tasks moved past due."""
    from app.auth.models import OrgUnit
    from app.cases.services import get_or_create_enterprise, open_case
    from app.db import db, unit_of_work
    from app.engine.models import HumanTask
    from app.formdefs.uscc import make_uscc

    starts = _engine_start_facts(now)
    with app.app_context():
        units = [u.code for u in db.scalars(select(OrgUnit).where(OrgUnit.level.in_(("city", "county"))))]
        for n in range(ENGINE_CASES):
            kind = list(starts)[n % len(starts)]
            with unit_of_work():
                unit = db.scalar(select(OrgUnit).where(OrgUnit.code == rng.choice(units)))
                ent = get_or_create_enterprise(make_uscc(f"91350000MD{n:07d}"), f"引擎基准企业{n}")
                open_case(kind, unit, title=f"引擎基准{n}", enterprise=ent, product_category=rng.choice(CATEGORIES),
                          facts=starts[kind]())
            db.remove()
        with unit_of_work():
            ids = list(db.scalars(select(HumanTask.id).where(HumanTask.status == "ready")))
            for task_id in rng.sample(ids, len(ids) // 3):
                db.execute(update(HumanTask).where(HumanTask.id == task_id)
                           .values(due_at=now - timedelta(days=rng.uniform(0.5, 20))))
        tasks = len(ids)
        db.remove()
    return tasks


def _build(url):
    """Migrate, seed and fill one database; returns (app, what was built)."""
    from app import create_app
    from app.auth.accounts import create_user
    from app.db import db, unit_of_work
    from app.engine.deploy import deploy_directory
    from app.migrate import upgrade
    from app.seed.reference import ensure_reference_data, unit_by_code

    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    now = datetime.now(UTC)
    rng = random.Random(2026)
    started = time.perf_counter()
    with app.app_context():
        with unit_of_work():
            ensure_reference_data()
            deploy_directory(app.config["PROCESSES_DIR"])
            for level, code in HEADS.items():
                create_user(f"bench_head_{level}", PASSWORD, f"基准{level}负责人", unit_by_code(code),
                            ["quality_supervision"], ["staff", "supervisor"])
        with unit_of_work():
            bulk_cases(db, now, rng)
        db.remove()
        from app.calendar import register_expression_helpers

        register_expression_helpers()
    tasks = _engine_cases(app, now, rng)
    return app, {"bulk_cases": CASES, "engine_cases": ENGINE_CASES, "ready_tasks": tasks,
                 "build_s": round(time.perf_counter() - started, 1)}


def _timed(call, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        status = call()
        times.append(time.perf_counter() - started)
        assert status < 400, f"HTTP {status}"
    return round(statistics.median(times), 3)


def _pages(app):
    """Median seconds per page for each head."""
    from app.db import db

    today = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).date()
    thursday = today - timedelta(days=(today.weekday() - 3) % 7)
    campaign_id = bench_campaign(app, today)
    out = {}
    for level in HEADS:
        client = app.test_client()
        assert client.post("/login", data={"username": f"bench_head_{level}", "password": PASSWORD}).status_code == 302

        def get(url, client=client):
            def call():
                response = client.get(url)
                assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
                return response.status_code
            return call
        figures = {"dashboard": _timed(get("/reports/dashboard")),
                   "overdue_board": _timed(get("/supervision/overdue")),
                   "case_search": _timed(get("/cases/")),
                   "case_search_filtered": _timed(get(
                       "/cases/?kind=hazard_investigation&status=closed&category=wire_cable&is_key=1"
                       f"&opened_from={date(today.year, 1, 1).isoformat()}&opened_to={today.isoformat()}")),
                   "case_search_text": _timed(get("/cases/?q=基准企业12")),
                   "case_export_xlsx": _timed(get("/cases/export?format=xlsx"), max(1, RUNS // 2))}
        for kind, form in (("weekly", {"kind": "weekly", "campaign_id": campaign_id,
                                       "report_day": thursday.isoformat()}),
                           ("annual", {"kind": "annual", "campaign_id": campaign_id})):
            # First run generates the report; later runs regenerate it (the same computation).
            report_url = []

            def generate(client=client, form=form, report_url=report_url):
                if not report_url:
                    response = client.post("/reports/", data=form)
                    assert response.headers["Location"].rstrip("/")[-1].isdigit(), f"report not made: {form}"
                    report_url.append(response.headers["Location"])
                    return response.status_code
                return client.post(report_url[0] + "/regenerate").status_code
            figures[f"report_{kind}"] = _timed(generate)
            figures[f"report_{kind}_page"] = _timed(get(report_url[0]))
        with app.app_context():
            db.remove()
        out[level] = figures
    prov = out["province"]
    out["meets_targets"] = all(v < (REPORT_TARGET_S if k in ("report_weekly", "report_annual") else PAGE_TARGET_S)
                               for k, v in prov.items() if k != "case_export_xlsx")
    return out


def _sqlite():
    with tempfile.TemporaryDirectory() as tmp:
        app, built = _build(f"sqlite:///{tmp}/bench_supervision.db")
        try:
            return {"built": built, "median_s": _pages(app)}
        finally:
            app.extensions["db_engine"].dispose()


def _postgres():
    with private_database() as url:
        if url is None:
            return {"skipped": "PostgreSQL unavailable"}
        app, built = _build(url)
        try:
            return {"built": built, "median_s": _pages(app)}
        finally:
            app.extensions["db_engine"].dispose()


def run():
    """Both databases; figures are median seconds per request."""
    return {"note": f"{CASES} cases inserted directly as rows, {ENGINE_CASES} opened through the engine",
            "targets_s": {"page": PAGE_TARGET_S, "report": REPORT_TARGET_S}, "runs": RUNS,
            "sqlite": _sqlite(), "postgresql": _postgres()}


if __name__ == "__main__":
    import json
    import sys

    which = sys.argv[1:] or ["sqlite", "postgresql"]
    result = {k: (_sqlite if k == "sqlite" else _postgres)() for k in which}
    print(json.dumps(result, ensure_ascii=False, indent=1))
