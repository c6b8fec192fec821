"""List pages run a fixed number of queries however many rows they show (no N+1)."""
import pytest
from sqlalchemy import select

from app.cases.services import KIND_LABELS
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask, ProcessInstance
from tests.cases.case_bpmn import lifecycle_xml

PAGES = ["/cases/", "/cases/export?format=csv", "/inbox/department", "/inbox/", "/supervision/overdue",
         "/supervision/listed", "/admin/instances", "/admin/instances/incidents", "/reports/dashboard", "/",
         "/notifications/", "/reports/"]
# The first batch uses 7 bureaus, the second 6 more: a per-row or per-bureau lazy load shows as growth.
UNITS = ("350100", "350102", "350121", "350181", "350200", "350203", "350206",
         "350300", "350302", "350322", "350400", "350404", "350481")


@pytest.fixture()
def world(db_session, make_user, make_case):
    files = {f"{k}.bpmn": lifecycle_xml(k).encode("utf-8") for k in KIND_LABELS}
    deploy_files(files, form_exists=None)
    head = make_user("350000", roles=("staff", "supervisor", "process_admin"))
    staff = make_user("350121")
    made = []

    def add(n):
        from datetime import timedelta

        from app.db import utcnow
        from app.notifications.services import notify_users

        for _ in range(n):
            i = len(made)
            made.append(i)
            # Different counties, kinds and enterprises, so lazy loads would each need a query.
            code = UNITS[i % len(UNITS)]
            case = make_case(list(KIND_LABELS)[i % len(KIND_LABELS)], org_code=code, user_id=head.id)
            _report(db_session, code, i)
            for task in db_session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)):
                task.due_at = utcnow() - timedelta(days=1)
                task.assignee_id = staff.id if i % 2 else None
            inst = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
            inst.status = "error" if i % 2 else inst.status
            notify_users([head], "reminder", f"提醒{i}", key=f"qc{case.id}", case_id=case.id)
        db_session.flush()
    return head, add


def _report(db, code, week):
    # A stored weekly report of the case's bureau (figures as the statutory builder stores them).
    from datetime import date, timedelta

    from app.db import utcnow
    from app.reports.models import Report
    from app.seed.reference import unit_by_code

    start = date(2026, 1, 1) + timedelta(weeks=week)
    db.add(Report(kind="weekly", org_unit=unit_by_code(code), period_start=start, period_end=start + timedelta(days=6),
                  figures={"period": {}, "cumulative": {}}, remarks="", status="draft", generated_at=utcnow()))


def _counts(client, count_queries):
    out = {}
    for url in PAGES:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[url] = counter.count
    return out


def test_list_pages_do_not_query_per_row(db_session, world, login_as, count_queries):
    head, add = world
    client = login_as(head)
    add(7)  # one case of each kind, so both measurements take the same code paths
    few = _counts(client, count_queries)
    add(14)
    many = _counts(client, count_queries)
    grown = {url: (few[url], many[url]) for url in PAGES if many[url] > few[url]}
    assert grown == {}


# Statements of the hot paths, pinned: a change that adds one fails here and must say why.
# Task completion (issue13, was 11): one locked SELECT reads the instance, its open rows, its case and the
# case's bureau with its ancestors; the done task's reminders marked read; then one flush: the state
# (version-checked), the task row, the next task's row, and all audit rows in one INSERT. (Form data that
# changes the case's facts adds its UPDATE.)
# Inbox page: the user's scope is a subquery, not a statement per use (was 14). Case page: the timeline's
# people are read in one statement whatever the number of events (was one per event). issue14: +1 completion
# (the done task's reminders marked read), +1 inbox (which rows' processes are suspended), +2 case page (what the
# case waits for; its tasks' forms, for the stage grouping). issue17: +2 case page for the 文书 section
# (documents with versions and services; whether the user may issue). Stop 24: -1 completion (the lock's read
# says whether the done task has unread notices; most have none, then nothing is marked read; PostgreSQL, whose
# lock that waited reads that as of before the wait, still runs the UPDATE).
PINNED = {"complete_task": 5, "inbox_page": 10, "case_page": 17}


@pytest.fixture()
def lifecycle_case(db_session, make_user, make_case):
    deploy_files({"hazard_investigation.bpmn": lifecycle_xml("hazard_investigation").encode("utf-8")},
                 form_exists=None)
    clerk = make_user("350121")
    case = make_case("hazard_investigation", user_id=clerk.id)
    db_session.flush()
    return clerk, case


def test_hot_paths_run_a_pinned_number_of_statements(db_session, lifecycle_case, login_as, count_queries):
    from app.engine import service

    clerk, case = lifecycle_case
    client = login_as(clerk)
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))
    counts = {}
    for name, url in (("inbox_page", "/inbox/department"), ("case_page", f"/cases/{case.id}")):
        client.get(url)  # warm: the first request of a session loads the user's rights
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[name] = counter.count
    task_id = task.id
    db_session.expire_all()
    assert "quality_supervision" in clerk.department_codes  # a request has the user's rights loaded already
    with count_queries() as counter:
        service.complete_task(task_id, clerk, {})
        db_session.flush()
    counts["complete_task"] = counter.count
    pinned = dict(PINNED)
    if db_session.get_bind().dialect.name == "postgresql":
        pinned["complete_task"] += 1  # the notices UPDATE always runs there (see the comment above PINNED)
    assert counts == pinned, "\n".join(counter.statements)


def test_case_timeline_reads_its_people_at_once(db_session, lifecycle_case, make_user, login_as, count_queries):
    from app.audit.services import record_event

    clerk, case = lifecycle_case
    client = login_as(clerk)

    def statements():
        client.get(f"/cases/{case.id}")
        db_session.expire_all()  # people already loaded in this session must not hide a query per event
        with count_queries() as counter:
            assert client.get(f"/cases/{case.id}").status_code == 200
        return counter.count
    before = statements()
    for n in range(6):  # six more events, each by someone else and handing over to someone else
        actor, target = make_user("350121"), make_user("350121")
        record_event("task_assigned", case_id=case.id, actor_id=actor.id, summary=f"分派{n}",
                     data={"to_user_id": target.id})
    db_session.flush()
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "分派5 → " in html
    assert statements() == before
