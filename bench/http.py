"""Task completions over HTTP: `tools/serve.sh` (gunicorn workers + one scheduler) on a private PostgreSQL.

Cases of BENCH_HTTP_PROCESS (default hazard_investigation) are opened through the real services; the
server is started with the documented command on a free port; bench users log in over HTTP and each
completion is what the browser does: GET the task page, take its CSRF token, POST the form, follow the
redirect to the page that shows the result. At each concurrency (threads, each with its own cases, so
they never contend on one instance) BENCH_HTTP_COMPLETIONS completions are timed; the bench process
looks up each case's ready task and writes valid form data (app/seed/autofill) outside the timing,
as a user knows what to click and type. Afterwards every completion is checked in the database (task
completed by that user, one task_completed audit row) and the server is stopped, whatever happened.
"""
import math
import os
import random
import re
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import func, select

from bench.pgdb import private_database
from bench.serving import cpu_seconds, cpu_spent, group_pids, serving

PROCESS_KEY = os.environ.get("BENCH_HTTP_PROCESS", "hazard_investigation")
COMPLETIONS = int(os.environ.get("BENCH_HTTP_COMPLETIONS", "240"))
CONCURRENCY = tuple(int(n) for n in os.environ.get("BENCH_HTTP_CONCURRENCY", "1,4,8").split(","))
CPUS = os.cpu_count() or 1
# gunicorn's documented starting point is (2 x cores) + 1 sync workers; one per core is measured beside it.
RECOMMENDED_WORKERS = 2 * CPUS + 1
WORKERS = tuple(int(n) for n in os.environ.get("BENCH_HTTP_WORKERS", f"{CPUS},{RECOMMENDED_WORKERS}").split(","))
PASSWORD = "bench-http-pass-1"
STEPS_PER_CASE = 6  # hazard_investigation with autofilled forms; more cases are opened if a path is shorter
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 comes back as it is; the browser's next GET is made (and timed) by hand


class Browser:
    """One logged-in user's cookie session against the server."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def request(self, path, fields=None):
        """GET (or POST `fields`, a list of pairs); return (status, body, Location)."""
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.read().decode(), resp.headers.get("Location")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace"), err.headers.get("Location")

    def login(self, username):
        """Log in through the login form (its CSRF token first)."""
        status, body, _ = self.request("/login")
        status, body, _ = self.request("/login", [("csrf_token", _csrf(body)), ("username", username),
                                                  ("password", PASSWORD)])
        if status != 302:
            raise RuntimeError(f"{username} 登录失败：HTTP {status}")
        return self

    def complete(self, task_id, fields):
        """The browser's completion; return (302 or the failing status, seconds in all, seconds of the POST,
        the failing page)."""
        started = time.perf_counter()
        status, body, _ = self.request(f"/inbox/tasks/{task_id}")
        if status != 200:
            return status, time.perf_counter() - started, 0.0, body
        posted = time.perf_counter()
        status, body, location = self.request(f"/inbox/tasks/{task_id}/complete",
                                              [("csrf_token", _csrf(body)), *fields])
        post_s = time.perf_counter() - posted
        if status == 302:
            # The inbox that shows the "办结" message (and so takes it out of the session cookie).
            target = urllib.parse.urlsplit(location)
            shown, body, _ = self.request(target.path + (f"?{target.query}" if target.query else ""))
            status = 302 if shown == 200 else shown
        return status, time.perf_counter() - started, post_s, body


def _csrf(body):
    found = _CSRF.search(body)
    if not found:
        raise RuntimeError("页面中没有 CSRF 令牌")
    return found.group(1)


def form_fields(form_def, data):
    """Form data as the browser posts it: table cells as "t-<row>-<col>", ticked boxes only."""
    from app.api.tasks import as_form_data

    pairs = []
    for key, value in as_form_data(form_def, data).items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is False:
                continue  # an unticked checkbox or an empty field sends nothing
            pairs.append((key, "true" if item is True else str(item)))
    return pairs


def prepare(url, cases):
    """Migrate, load the reference data, deploy the processes and open `cases` cases; return (app, case ids)."""
    from app import create_app
    from app.calendar import register_expression_helpers
    from app.calendar.helpers import add_days, today
    from app.cases.services import get_or_create_enterprise, open_case
    from app.db import unit_of_work
    from app.engine.deploy import deploy_directory
    from app.formdefs.uscc import make_uscc
    from app.migrate import upgrade
    from app.seed.reference import ensure_reference_data, unit_by_code

    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    ids = []
    with app.app_context():
        register_expression_helpers()
        with unit_of_work():
            ensure_reference_data()
            deploy_directory(app.config["PROCESSES_DIR"])
        facts = {"campaign_name": "HTTP 基准测试专项行动", "self_inspection_due": add_days(today(), 30),
                 "inspection_due": add_days(today(), 90), "product_type": "industrial"}
        for n in range(cases):
            with unit_of_work():
                ent = get_or_create_enterprise(make_uscc(f"91350121MB{n:07d}"), f"HTTP基准测试企业{n}")
                ids.append(open_case(PROCESS_KEY, unit_by_code("350121"), title=f"HTTP基准{n}", enterprise=ent,
                                     facts=dict(facts), is_key_product=True).id)
    return app, ids


class Driver:
    """What the bench process knows beside the browsers: each case's ready task, its user and its form data."""

    def __init__(self, app, server):
        self.app, self.base, self.pgid = app, server.base, server.pgid
        self.lock = threading.Lock()
        self.users = set()
        self.forms = {}  # the same values for every task of a step, as a user who types them again

    def next_task(self, case_id):
        """(task id, username, form fields) of the case's oldest ready task, or None when it has none."""
        from app.db import db
        from app.engine.models import HumanTask
        from app.formdefs.task_forms import form_for_task
        from app.seed.autofill import sample_form_data

        with self.app.app_context():
            try:
                task = db.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready")
                                 .order_by(HumanTask.id).limit(1))
                if task is None:
                    return None
                if task.spec_name not in self.forms:
                    form_def = form_for_task(task)
                    self.forms[task.spec_name] = form_fields(form_def, sample_form_data(form_def, random.Random(1)))
                return task.id, self._user_for(task), self.forms[task.spec_name]
            finally:
                db.remove()

    def cpu(self):
        """CPU seconds so far: (serve.sh's processes, this database's PostgreSQL backends, this process)."""
        from sqlalchemy import text

        with self.app.extensions["db_engine"].connect() as conn:
            backends = conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                                         " AND pid <> pg_backend_pid()")).all()
        mine = os.times()
        return cpu_seconds(group_pids(self.pgid)), cpu_seconds(backends), mine.user + mine.system

    def usernames(self):
        """The bench users made so far."""
        from app.auth.models import User
        from app.db import db

        with self.app.app_context():
            try:
                return list(db.scalars(select(User.username).where(User.username.like("http_%"))))
            finally:
                db.remove()

    def _user_for(self, task):
        from app.auth.accounts import create_user
        from app.auth.models import OrgUnit
        from app.auth.services import find_user
        from app.db import db, unit_of_work

        name = f"http_{task.department_code}_{task.org_unit_id}"
        with self.lock:
            if name not in self.users:
                with unit_of_work():
                    if find_user(name) is None:
                        create_user(name, PASSWORD, "HTTP基准用户", db.get(OrgUnit, task.org_unit_id),
                                    [task.department_code])
                self.users.add(name)
        return name


def _drive(driver, browsers, case_ids, quota, out):
    """One thread: complete up to `quota` tasks of its own cases; append (task id, user, status, s, post s,
    seconds the bench itself spent finding the task and filling its form, body of a failure)."""
    for case_id in case_ids:
        while quota > 0:
            looked = time.perf_counter()
            step = driver.next_task(case_id)
            if step is None:
                break
            task_id, username, fields = step
            if username not in browsers:  # a user the warm-up did not meet
                browsers[username] = Browser(driver.base).login(username)
            lookup_s = time.perf_counter() - looked
            status, seconds, post_s, body = browsers[username].complete(task_id, fields)
            out.append((task_id, username, status, seconds, post_s, lookup_s, body if status != 302 else ""))
            if status != 302:
                return  # this case is stuck; the error is reported below
            quota -= 1
        if quota == 0:
            return


def measure(driver, case_pool, concurrency, completions, workers):
    """`completions` completions by `concurrency` threads on cases taken from `case_pool`; return the figures."""
    per_thread = completions // concurrency
    shares = [[case_pool.pop() for _ in range(_cases_per_thread(per_thread))] for _ in range(concurrency)]
    outs = [[] for _ in range(concurrency)]
    # Each thread is its own browser of every bench user, logged in before the clock starts.
    browsers = [{name: Browser(driver.base).login(name) for name in driver.usernames()} for _ in range(concurrency)]
    threads = [threading.Thread(target=_drive, args=(driver, browsers[n], shares[n], per_thread, outs[n]))
               for n in range(concurrency)]
    cpu_before, started = driver.cpu(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu_after = time.perf_counter() - started, driver.cpu()
    rows = [row for out in outs for row in out]
    done = [row for row in rows if row[2] == 302]
    conflicts = sum(1 for row in rows if row[2] == 409)
    errors = [row for row in rows if row[2] not in (302, 409)]
    if errors:
        task_id, user, status, *_rest, body = errors[0]
        raise RuntimeError(f"任务 {task_id}（{user}）办理失败：HTTP {status}\n{_text_of(body)[:1500]}")
    if len(done) != per_thread * concurrency:
        raise RuntimeError(f"只办结了 {len(done)} / {per_thread * concurrency} 个任务（案件不够长？）")
    ms = sorted(row[3] * 1000 for row in done)
    post_ms = sorted(row[4] * 1000 for row in done)
    return {"backend": "postgresql", "workers": workers, "concurrency": concurrency, "completions": len(done),
            "per_second": round(len(done) / wall, 1), "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(_p95(ms), 1), "post_p50_ms": round(statistics.median(post_ms), 1),
            "post_p95_ms": round(_p95(post_ms), 1), "errors": len(errors), "conflicts_409": conflicts,
            "bench_lookup_p50_ms": round(statistics.median(row[5] * 1000 for row in done), 1),
            "cpu_ms_per_completion": _cpu_per_completion(cpu_before, cpu_after, len(done))}, done


def _cpu_per_completion(before, after, count):
    # Where a completion's CPU goes: gunicorn (and the scheduler), PostgreSQL, the bench's own client threads.
    server, database = (cpu_spent(b, a) for b, a in zip(before[:2], after[:2], strict=True))
    client = after[2] - before[2]
    return {name: round(seconds * 1000 / count, 1)
            for name, seconds in (("server", server), ("postgresql", database), ("client", client))}


def contended(driver, case_pool, racers=4, rounds=6, workers=0):
    """`racers` browsers of one user POST the same task at once, `rounds` times: exactly one completes it,
    the others are refused (409, or 400 when the instance lock decided it); return the figures."""
    case_id, browsers = case_pool.pop(), {}
    winners, statuses, post_ms = [], [], []
    for _ in range(rounds):
        step = driver.next_task(case_id)
        if step is None:
            case_id = case_pool.pop()
            step = driver.next_task(case_id)
        task_id, username, fields = step
        if username not in browsers:
            browsers[username] = [Browser(driver.base).login(username) for _ in range(racers)]
        results = _race(browsers[username], task_id, fields)
        round_statuses = sorted(r[0] for r in results)
        statuses.extend(round_statuses)
        post_ms.extend(r[1] * 1000 for r in results)
        if round_statuses.count(302) != 1 or set(round_statuses) - {302, 400, 409}:
            odd = next((r for r in results if r[0] not in (302, 409)), results[0])
            raise RuntimeError(f"任务 {task_id} 同时提交的结果不对：{round_statuses}\n{_text_of(odd[2])[:800]}")
        winners.append((task_id, username, 302))
    post_ms.sort()
    return {"backend": "postgresql", "workers": workers, "racers": racers, "rounds": rounds,
            "completions": len(winners), "conflicts_409": statuses.count(409), "refused_400": statuses.count(400),
            "errors": 0, "post_p50_ms": round(statistics.median(post_ms), 1), "post_p95_ms": round(_p95(post_ms), 1)
            }, winners


def _race(browsers, task_id, fields):
    """Every browser opens the task page, then all POST the form at the same moment; [(status, s, body)]."""
    tokens = [_csrf(b.request(f"/inbox/tasks/{task_id}")[1]) for b in browsers]
    barrier, results = threading.Barrier(len(browsers)), [None] * len(browsers)

    def post(n):
        barrier.wait(timeout=30)
        started = time.perf_counter()
        status, body, _ = browsers[n].request(f"/inbox/tasks/{task_id}/complete", [("csrf_token", tokens[n]), *fields])
        results[n] = (status, time.perf_counter() - started, body)
    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(browsers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _cases_per_thread(quota):
    return -(-quota // STEPS_PER_CASE) + 1  # one spare, should a case end early


def _p95(values):
    return values[math.ceil(len(values) * 0.95) - 1]  # nearest rank


def _text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or ""))


def verify(app, done):
    """Every completion the server answered is in the database: task completed by that user, audited once."""
    from app.audit.models import CaseEvent
    from app.auth.models import User
    from app.db import db
    from app.engine.models import HumanTask

    ids = [row[0] for row in done]
    with app.app_context():
        try:
            users = dict(db.execute(select(User.username, User.id)).all())
            rows = {t.id: t for t in db.scalars(select(HumanTask).where(HumanTask.id.in_(ids)))}
            audited = dict(db.execute(select(CaseEvent.human_task_id, func.count())
                                      .where(CaseEvent.event_type == "task_completed",
                                             CaseEvent.human_task_id.in_(ids))
                                      .group_by(CaseEvent.human_task_id)).all())
        finally:
            db.remove()
    wrong = [task_id for task_id, user, *_ in done
             if task_id not in rows or rows[task_id].status != "completed"
             or rows[task_id].completed_by_id != users.get(user) or audited.get(task_id) != 1]
    if len(set(ids)) != len(ids) or wrong:
        raise RuntimeError(f"数据库中核对不上的办结：{wrong[:10]}（共 {len(wrong)} 个），"
                           f"重复 {len(ids) - len(set(ids))} 个")
    return len(ids)


def run(completions=COMPLETIONS, concurrency=CONCURRENCY, workers=WORKERS, contended_rounds=6,
        warmup=STEPS_PER_CASE) -> dict:
    """Measure every (workers, concurrency); return the figures (skipped without PostgreSQL)."""
    results = {"backend": "postgresql", "process": PROCESS_KEY, "server": "tools/serve.sh (gunicorn sync + scheduler)",
               "cpus": CPUS, "recommended_workers": RECOMMENDED_WORKERS, "completions_per_run": completions,
               "by_workers": {}, "verified_completions": 0}
    # Per server: the warm-up's, every level's (each thread its own), two for the contended rounds.
    per_server = (max(workers) * _cases_per_thread(warmup) + 2
                  + sum(c * _cases_per_thread(completions // c) for c in concurrency))
    with private_database() as url, tempfile.TemporaryDirectory() as tmp:
        if url is None:
            return {"skipped": "PostgreSQL 不可用"}
        app, pool = prepare(url, per_server * len(workers))
        try:
            for count in workers:
                with serving(url, count, Path(tmp) / f"serve-{count}.log") as server:
                    runs, verified = _measure_server(Driver(app, server), pool, count, completions, concurrency,
                                                     contended_rounds, warmup)
                results["by_workers"][str(count)] = runs
                results["verified_completions"] += verified
        finally:
            app.extensions["db_engine"].dispose()
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return results


def _measure_server(driver, pool, workers, completions, concurrency, contended_rounds, warmup):
    # Warm-up, by default a case's whole path per worker: workers import, connect and compile templates lazily.
    verified = verify(driver.app, measure(driver, pool, workers, warmup * workers, workers)[1])
    runs = {}
    for level in concurrency:
        runs[str(level)], done = measure(driver, pool, level, completions, workers)
        verified += verify(driver.app, done)
    runs["contended"], done = contended(driver, pool, rounds=contended_rounds, workers=workers)
    return runs, verified + verify(driver.app, done)


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
