"""Review: list pages run a fixed number of queries however many rows they show (no N+1)."""
import pytest
from sqlalchemy import event, select

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


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _on(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._on)


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


def _counts(app, engine, client):
    out = {}
    for url in PAGES:
        with QueryCounter(engine) as qc:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[url] = qc.count
    return out


def test_list_pages_do_not_query_per_row(db_session, app, engine, world, login_as):
    head, add = world
    client = login_as(head)
    add(7)  # one case of each kind, so both measurements take the same code paths
    few = _counts(app, engine, client)
    add(14)
    many = _counts(app, engine, client)
    grown = {url: (few[url], many[url]) for url in PAGES if many[url] > few[url]}
    assert grown == {}
