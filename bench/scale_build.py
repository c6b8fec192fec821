"""Build (or reuse) the provincial-scale PostgreSQL database: 100,000 cases and 1,000,000 human_task rows.

The database `BENCH_SCALE_DB` (default qsflow_scale) beside the bench server is reused while its schema
revision and the build parameters match (kept in the table bench_scale_build); otherwise it is dropped and
built again:
  1. migrate, reference data, every process deployed, heads and one clerk per bureau and department;
  2. `bench.supervision.bulk_cases` inserts the cases (all kinds, bureaus, facts of every kind);
  3. two cases per kind are opened through the real engine; their instance state and ready tasks are the
     templates every other open case is cloned from (INSERT ... SELECT), so task and case pages restore a
     real workflow;
  4. completed tasks (about ten per case, from each process's user tasks) fill human_task to TASKS rows;
     about a third of the open tasks are overdue, half are claimed; every task has an audit row.
"""
import os
import random
import time
from datetime import UTC, datetime

from sqlalchemy import create_engine, select, text

from bench.pgdb import PG_URL

DB_NAME = os.environ.get("BENCH_SCALE_DB", "qsflow_scale")
CASES = int(os.environ.get("BENCH_SCALE_CASES", "100000"))
TASKS = int(os.environ.get("BENCH_SCALE_TASKS", "1000000"))
BUILD_VERSION = 3  # bump when the way the data is made changes
PASSWORD = "bench-pass-123"
HEADS = {"province": "350000", "city": "350100", "county": "350121"}
CLERK = "bench_clerk_350121_quality_supervision"  # the clerk whose inbox is measured


def scale_url():
    """URL of the scale database."""
    return PG_URL.rsplit("/", 1)[0] + "/" + DB_NAME


def _admin():
    return create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def _key():
    from alembic.script import ScriptDirectory

    from app.migrate import alembic_config

    heads = ",".join(sorted(ScriptDirectory.from_config(alembic_config(scale_url())).get_heads()))
    return f"{heads}|{CASES}|{TASKS}|{BUILD_VERSION}"


def existing_build():
    """The stored build record when the database matches the current schema and parameters, else None."""
    engine = create_engine(scale_url().replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT key, build_s, cases, tasks FROM bench_scale_build")).first()
    except Exception:  # no database or no record: build it
        return None
    finally:
        engine.dispose()
    if row is None or row.key != _key():
        return None
    return {"reused": True, "build_s": row.build_s, "cases": row.cases, "human_tasks": row.tasks}


def _recreate():
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()


def _people(db):
    """Heads at three levels, and one clerk per bureau and department (the task holders)."""
    from app.auth.accounts import create_user
    from app.auth.models import Department, OrgUnit
    from app.seed.reference import unit_by_code

    for level, code in HEADS.items():
        create_user(f"bench_head_{level}", PASSWORD, f"基准{level}负责人", unit_by_code(code),
                    ["quality_supervision"], ["staff", "supervisor"])
    departments = [d.code for d in db.scalars(select(Department))]
    for unit in db.scalars(select(OrgUnit)):
        for dept in departments:
            create_user(f"bench_clerk_{unit.code}_{dept}", PASSWORD, f"{unit.name}{dept}承办人", unit, [dept])


def _templates(app, rng):
    """Two cases per kind opened through the engine: the instance state the bulk is cloned from."""
    from app.auth.models import OrgUnit
    from app.cases.services import get_or_create_enterprise, open_case
    from app.db import db, unit_of_work
    from app.formdefs.uscc import make_uscc
    from bench.supervision import CATEGORIES, KIND_WEIGHTS, _engine_start_facts

    now = datetime.now(UTC)
    starts = _engine_start_facts(now)
    with app.app_context():
        units = [u.code for u in db.scalars(select(OrgUnit).where(OrgUnit.level != "province"))]
        for n, kind in enumerate(sorted(KIND_WEIGHTS) * 2):
            with unit_of_work():
                unit = db.scalar(select(OrgUnit).where(OrgUnit.code == rng.choice(units)))
                ent = get_or_create_enterprise(make_uscc(f"91350000MT{n:07d}"), f"模板企业{n}")
                open_case(kind, unit, title=f"模板{n}", enterprise=ent, product_category=rng.choice(CATEGORIES),
                          facts=starts[kind]())
            db.remove()


CLONE_SQL = [
    # One template instance (with its ready tasks) per kind.
    """CREATE TEMP TABLE tpl AS SELECT DISTINCT ON (c.kind) c.kind, p.id AS instance_id, p.definition_id,
       p.status, p.state FROM "case" c JOIN process_instance p ON p.case_id = c.id
       WHERE EXISTS (SELECT 1 FROM human_task h WHERE h.instance_id = p.id AND h.status = 'ready')
       ORDER BY c.kind, p.id""",
    """CREATE TEMP TABLE clerk AS SELECT u.org_unit_id, d.code AS department_code, u.id AS user_id
       FROM "user" u JOIN user_department ud ON ud.user_id = u.id JOIN department d ON d.id = ud.department_id
       WHERE u.username LIKE 'bench_clerk_%'""",
    # Every bulk case gets an instance: open ones the template's real state, ended ones an empty one.
    """INSERT INTO process_instance (definition_id, case_id, status, state, version, next_timer_at, error_type,
       error_message, error_element, started_at, updated_at, ended_at)
       SELECT t.definition_id, c.id, CASE c.status WHEN 'open' THEN t.status WHEN 'closed' THEN 'completed'
       ELSE 'cancelled' END, CASE WHEN c.status = 'open' THEN t.state ELSE '{}'::json END, 1, NULL, '', '', '',
       c.opened_at, coalesce(c.closed_at, c.opened_at), c.closed_at
       FROM "case" c JOIN tpl t ON t.kind = c.kind
       WHERE NOT EXISTS (SELECT 1 FROM process_instance p WHERE p.case_id = c.id)""",
    # Open cases: the template's ready tasks, a third overdue, half claimed by the bureau's clerk.
    """INSERT INTO human_task (instance_id, case_id, task_uuid, spec_name, title, lane, department_code,
       org_level, org_unit_id, assignee_id, form_key, status, priority, due_rule, created_at, due_at,
       claimed_at)
       SELECT p.id, c.id, h.task_uuid, h.spec_name, h.title, h.lane, h.department_code, u.level, c.org_unit_id,
       CASE WHEN c.id % 2 = 0 THEN k.user_id END, h.form_key, 'ready', h.priority, h.due_rule,
       c.opened_at + interval '1 day',
       (now() AT TIME ZONE 'utc') + ((c.id % 50) - 17) * interval '1 day' + (c.id % 24) * interval '1 hour',
       CASE WHEN c.id % 2 = 0 THEN c.opened_at + interval '2 day' END
       FROM "case" c JOIN process_instance p ON p.case_id = c.id JOIN tpl t ON t.kind = c.kind
       JOIN human_task h ON h.instance_id = t.instance_id AND h.status = 'ready'
       JOIN org_unit u ON u.id = c.org_unit_id
       LEFT JOIN clerk k ON k.org_unit_id = c.org_unit_id AND k.department_code = h.department_code
       WHERE c.status = 'open' AND p.id <> t.instance_id
       AND NOT EXISTS (SELECT 1 FROM human_task x WHERE x.instance_id = p.id)""",
    # The user tasks of each kind's process, numbered, for the completed history.
    """CREATE TEMP TABLE spec AS SELECT t.kind, row_number() OVER (PARTITION BY t.kind ORDER BY ut.key) - 1 AS n,
       count(*) OVER (PARTITION BY t.kind) AS total, ut.key AS spec_name,
       coalesce(ut.value->>'name', ut.key) AS title, coalesce(ut.value->>'lane', '') AS lane,
       coalesce(ut.value->>'department', '') AS department_code, coalesce(ut.value->>'formKey', '') AS form_key
       FROM tpl t JOIN process_definition d ON d.id = t.definition_id,
       jsonb_each(d.meta->'user_tasks') ut""",
]

HISTORY_SQL = """INSERT INTO human_task (instance_id, case_id, task_uuid, spec_name, title, lane, department_code,
   org_level, org_unit_id, assignee_id, form_key, status, priority, due_rule, created_at, due_at, claimed_at,
   completed_at, completed_by_id)
   SELECT p.id, c.id, md5(c.id || '-' || g)::uuid::text, s.spec_name, s.title, s.lane, s.department_code, u.level,
   c.org_unit_id, k.user_id, s.form_key, CASE WHEN g % 40 = 0 THEN 'cancelled' ELSE 'completed' END, 50, '',
   c.opened_at + g * interval '1 day', c.opened_at + (g + 10) * interval '1 day',
   c.opened_at + g * interval '1 day', c.opened_at + (g + (c.id % 13)) * interval '1 day',
   CASE WHEN g % 40 <> 0 THEN k.user_id END
   FROM "case" c JOIN process_instance p ON p.case_id = c.id
   JOIN org_unit u ON u.id = c.org_unit_id
   CROSS JOIN LATERAL generate_series(1, :per_case_lo + (c.id % :spread)) g
   JOIN spec s ON s.kind = c.kind AND s.n = g % s.total
   LEFT JOIN clerk k ON k.org_unit_id = c.org_unit_id AND k.department_code = s.department_code
   WHERE c.id % :chunks = :chunk"""

AUDIT_SQL = """INSERT INTO case_event (case_id, instance_id, human_task_id, actor_id, event_type, summary, data,
   created_at)
   SELECT h.case_id, h.instance_id, h.id, h.completed_by_id, 'task_completed', h.title, '{}'::jsonb, h.completed_at
   FROM human_task h WHERE h.status = 'completed' AND h.case_id % :chunks = :chunk"""


def _fill(conn, log):
    for sql in CLONE_SQL:
        conn.execute(text(sql))
    log("clone")
    open_tasks = conn.scalar(text("SELECT count(*) FROM human_task"))
    cases = conn.scalar(text('SELECT count(*) FROM "case"'))
    # Completed per case: lo + (id % spread), averaging what is left to reach TASKS.
    average = max(1.0, (TASKS - open_tasks) / cases)
    spread = 9
    lo = max(1, round(average - (spread - 1) / 2))
    for chunk in range(4):
        conn.execute(text(HISTORY_SQL), {"per_case_lo": lo, "spread": spread, "chunks": 4, "chunk": chunk})
        conn.commit()
    log("history")
    for chunk in range(4):
        conn.execute(text(AUDIT_SQL), {"chunks": 4, "chunk": chunk})
        conn.commit()
    log("audit")
    conn.execute(text("ANALYZE"))
    conn.commit()


def build():
    """Build the database from nothing; returns the build record."""
    from app import create_app
    from app.db import db, unit_of_work
    from app.engine.deploy import deploy_directory
    from app.migrate import upgrade
    from app.seed.reference import ensure_reference_data
    from bench.supervision import bulk_cases

    started = time.perf_counter()
    phases = {}

    def log(name):
        phases[name] = round(time.perf_counter() - started, 1)
        print(f"  scale build: {name} at {phases[name]} s", flush=True)

    _recreate()
    url = scale_url()
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    rng = random.Random(2026)
    with app.app_context():
        with unit_of_work():
            ensure_reference_data()
            deploy_directory(app.config["PROCESSES_DIR"])
            _people(db)
        log("reference")
        with unit_of_work():
            bulk_cases(db, datetime.now(UTC), rng, CASES)
        db.remove()
        log("cases")
        from app.calendar import register_expression_helpers

        register_expression_helpers()
    _templates(app, rng)
    log("templates")
    engine = app.extensions["db_engine"]
    with engine.connect() as conn:
        _fill(conn, log)
    with app.app_context():
        # What the scheduler does every night: the ended days' on-time figures rolled up.
        from app.reports.ontime import roll_up

        roll_up()
        db.remove()
    log("rollup")
    # A live database has been through autovacuum: visibility maps set, so counts can read indexes only.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    log("vacuum")
    with engine.connect() as conn:
        tasks = conn.scalar(text("SELECT count(*) FROM human_task"))
        cases = conn.scalar(text('SELECT count(*) FROM "case"'))
        build_s = round(time.perf_counter() - started, 1)
        conn.execute(text("CREATE TABLE bench_scale_build (key text, build_s float, cases int, tasks int)"))
        conn.execute(text("INSERT INTO bench_scale_build VALUES (:k, :b, :c, :t)"),
                     {"k": _key(), "b": build_s, "c": cases, "t": tasks})
        conn.commit()
    engine.dispose()
    return {"reused": False, "build_s": build_s, "phases_s": phases, "cases": cases, "human_tasks": tasks}


def ensure():
    """Reuse the database when it matches, else build it; returns the build record."""
    return existing_build() or build()
