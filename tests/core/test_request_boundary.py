"""One commit per request, at the boundary: a view that succeeds is committed once, an error or a refusal
rolls back everything the request wrote, and no view or service commits by itself."""
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app import create_app
from app.calendar.models import CalendarOverride
from app.calendar.overrides import set_override
from app.db import db
from app.errors import Conflict
from tests.conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parent.parent.parent
DAYS = {"ok": date(2031, 1, 2), "raised": date(2031, 1, 3), "refused": date(2031, 1, 6)}


@pytest.fixture()
def boundary_app(database_url):
    """An app of its own over the test database, with three views that each write one override day."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})

    @app.post("/_t/ok")
    def ok():
        set_override(DAYS["ok"], False, "保存成功")
        return "ok"

    @app.post("/_t/raised")
    def raised():
        set_override(DAYS["raised"], False, "中途出错")
        raise Conflict("有人抢先办理")

    @app.post("/_t/refused")
    def refused():
        set_override(DAYS["refused"], False, "输入有误")
        return "输入有误", 400

    yield app
    with app.app_context():
        db.execute(delete(CalendarOverride).where(CalendarOverride.day.in_(DAYS.values())))
        db.commit()
        db.remove()


def _stored_days(app):
    with app.app_context():
        try:
            return set(db.scalars(select(CalendarOverride.day).where(CalendarOverride.day.in_(DAYS.values()))))
        finally:
            db.remove()


def test_success_commits_and_errors_roll_back(boundary_app):
    client = boundary_app.test_client()
    assert client.post("/_t/ok").status_code == 200
    conflict = client.post("/_t/raised")
    assert conflict.status_code == 409 and "有人抢先办理" in conflict.get_data(as_text=True)
    assert client.post("/_t/refused").status_code == 400
    assert _stored_days(boundary_app) == {DAYS["ok"]}


def test_problem_json_for_api_clients(boundary_app):
    response = boundary_app.test_client().post("/_t/raised", headers={"Accept": "application/json"})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 409 and body["detail"] == "有人抢先办理" and body["error"] == "conflict"


def test_no_module_commits_outside_the_boundaries():
    # Requests commit in app/db.py; CLI commands and scheduler jobs through app.db.unit_of_work.
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "app/db.py":
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if re.search(r"\.commit\(\)", line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert offenders == []
