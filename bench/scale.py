"""Pages at provincial scale (`make bench-scale`): p50/p95 of RUNS requests per page on PostgreSQL.

The database comes from bench.scale_build (100,000 cases, 1,000,000 human_task rows; reused while the schema
revision matches). Each page is requested through the Flask test client by the role that uses it: the
county clerk for the inbox and task pages, the province head for the department inbox, search, boards,
dashboard and reports. Statements per request are counted on the engine.
"""
import os
import statistics
import time
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import event, select

from bench import scale_build
from bench.campaign import bench_campaign

RUNS = int(os.environ.get("BENCH_SCALE_RUNS", "20"))
ONLY = set(filter(None, os.environ.get("BENCH_SCALE_PAGES", "").split(",")))  # e.g. "case,dashboard"
LIMITS_MS = {"inbox_mine": 100, "inbox_department": 100, "inbox_head_department": 100, "task": 100, "case": 150,
             "case_search": 200, "case_search_text": 300, "overdue_board": 300, "dashboard": 1000,
             "weekly_report": 1000, "annual_report": 2000, "campaign": 1000, "campaign_cases": 300}


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * 0.95) - 1))]


class _Counter:
    """Statements run and the time spent in them (so SQL and Python time can be told apart)."""

    def __init__(self, engine):
        self.count, self.sql_s, self._started = 0, 0.0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *args):
        self.count += 1
        self._started = time.perf_counter()

    def _after(self, *args):
        self.sql_s += time.perf_counter() - self._started


def _login(app, username):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": scale_build.PASSWORD})
    assert response.status_code == 302, f"login {username}: HTTP {response.status_code}"
    return client


def _measure(counter, call, runs=RUNS):
    times, statements, sql = [], [], []
    call(0)  # warm-up: templates compiled, caches filled
    for n in range(runs):
        before, sql_before = counter.count, counter.sql_s
        started = time.perf_counter()
        call(n)
        times.append((time.perf_counter() - started) * 1000)
        statements.append(counter.count - before)
        sql.append((counter.sql_s - sql_before) * 1000)
    return {"p50": round(statistics.median(times), 1), "p95": round(_p95(times), 1),
            "statements": round(statistics.median(statements)), "sql_p50": round(statistics.median(sql), 1)}


def _get(client, url_of):
    def call(n):
        url = url_of(n)
        response = client.get(url)
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return call


def _report(client, form):
    made = []

    def call(n):
        if not made:
            response = client.post("/reports/", data=form)
            assert response.status_code in (302, 303) and "/reports/" in response.headers["Location"] \
                and response.headers["Location"].rstrip("/")[-1].isdigit(), f"report: HTTP {response.status_code}"
            made.append(response.headers["Location"])
            return
        response = client.post(made[0] + "/regenerate")
        assert response.status_code < 400, f"regenerate: HTTP {response.status_code}"
    return call


def _samples(app):
    """Tasks held by the measured clerk and their cases (different ones per request)."""
    from app.auth.models import User
    from app.db import db
    from app.engine.models import HumanTask

    with app.app_context():
        clerk = db.scalar(select(User).where(User.username == scale_build.CLERK))
        tasks = list(db.execute(select(HumanTask.id, HumanTask.case_id).where(
            HumanTask.status == "ready", HumanTask.assignee_id == clerk.id).order_by(HumanTask.id).limit(RUNS + 1)))
        db.remove()
    assert tasks, "the measured clerk holds no task"
    return [t.id for t in tasks], [t.case_id for t in tasks]


def pages(app):
    """Every page's p50/p95 in ms and statements per request."""
    counter = _Counter(app.extensions["db_engine"])
    task_ids, case_ids = _samples(app)
    clerk = _login(app, scale_build.CLERK)
    head = _login(app, "bench_head_province")
    today = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).date()
    thursday = today - timedelta(days=(today.weekday() - 3) % 7)
    plan = {
        "inbox_mine": (clerk, lambda n: "/inbox/"),
        "inbox_department": (clerk, lambda n: "/inbox/department"),
        "inbox_head_department": (head, lambda n: "/inbox/department"),
        "task": (clerk, lambda n: f"/inbox/tasks/{task_ids[n % len(task_ids)]}"),
        "case": (clerk, lambda n: f"/cases/{case_ids[n % len(case_ids)]}"),
        "case_search": (head, lambda n: "/cases/"),
        "case_search_text": (head, lambda n: f"/cases/?q=基准企业{1000 + n}"),
        "overdue_board": (head, lambda n: "/supervision/overdue"),
        "dashboard": (head, lambda n: "/reports/dashboard"),
    }
    out = {}
    for name, (client, url_of) in plan.items():
        if ONLY and name not in ONLY:
            continue
        out[name] = _measure(counter, _get(client, url_of))
        print(f"  {name}: {out[name]}", flush=True)
    campaign_id = bench_campaign(app, today, register=True)
    # The province's campaign page (progress by city, phase and class over its whole register) and the cases
    # behind one of its figures.
    for name, url in (("campaign", f"/campaigns/{campaign_id}"),
                      ("campaign_cases", f"/campaigns/{campaign_id}/cases?figure=inspected")):
        if not ONLY or name in ONLY:
            out[name] = _measure(counter, _get(head, lambda n, url=url: url), max(5, RUNS // 4))
            print(f"  {name}: {out[name]}", flush=True)
    reports = {"weekly_report": {"kind": "weekly", "campaign_id": campaign_id, "report_day": thursday.isoformat()},
               "annual_report": {"kind": "annual", "campaign_id": campaign_id}}
    for name, form in reports.items():
        if ONLY and name not in ONLY:
            continue
        out[name] = _measure(counter, _report(head, form), max(5, RUNS // 4))
        print(f"  {name}: {out[name]}", flush=True)
    return out


def run():
    """Build or reuse the database, then measure every page."""
    from app import create_app

    try:
        built = scale_build.ensure()
    except Exception as exc:  # no PostgreSQL server: nothing to measure
        return {"skipped": f"PostgreSQL unavailable: {exc.__class__.__name__}"}
    app = create_app({"DATABASE_URL": scale_build.scale_url(), "SCHEDULER_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        from app.calendar import register_expression_helpers

        register_expression_helpers()
    try:
        figures = pages(app)
    finally:
        app.extensions["db_engine"].dispose()
    return {"backend": "postgresql", "cases": built["cases"], "human_tasks": built["human_tasks"],
            "build": built, "runs": RUNS, "limits_ms": LIMITS_MS, "pages_ms": figures,
            "meets_limits": all(k in figures and figures[k]["p95"] <= v for k, v in LIMITS_MS.items()),
            "load": os.getloadavg()}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
