"""Override table services, the cached default calendar and the override CLI commands (DB)."""
from contextlib import contextmanager
from datetime import date

import pytest
from flask import Flask

from app.calendar import workdays
from app.calendar.cli import register_cli
from app.calendar.overrides import (
    confirm_year,
    coverage_report,
    delete_override,
    list_overrides,
    load_override_map,
    set_override,
)
from app.calendar.workdays import get_calendar

D = date


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # The default calendar is process-wide; each test starts from the database it sees.
    workdays.set_default_calendar(None)
    workdays.invalidate_cache()
    yield
    workdays.invalidate_cache()


def test_set_override_inserts_then_updates(db_session):
    row = set_override(D(2027, 1, 1), False, "元旦")
    assert row.id is not None
    assert row.updated_at is not None
    again = set_override("2027-01-01", True, " 改为工作日 ")
    assert again.id == row.id
    assert [(r.day, r.is_workday, r.note) for r in list_overrides()] == [
        (D(2027, 1, 1), True, "改为工作日")
    ]


def test_list_overrides_by_year_and_load_map(db_session):
    set_override(D(2027, 2, 6), True, "春节调休上班")
    set_override(D(2027, 1, 1), False, "元旦")
    set_override(D(2026, 10, 8), False, "测试")
    assert [r.day for r in list_overrides(2027)] == [D(2027, 1, 1), D(2027, 2, 6)]
    assert [r.day for r in list_overrides()][0] == D(2026, 10, 8)
    assert load_override_map() == {
        D(2027, 1, 1): False,
        D(2027, 2, 6): True,
        D(2026, 10, 8): False,
    }


def test_delete_override(db_session):
    set_override(D(2027, 1, 1), False, "元旦")
    assert delete_override(D(2027, 1, 1)) is True
    assert delete_override(D(2027, 1, 1)) is False
    assert load_override_map() == {}


def test_set_override_validates(db_session):
    with pytest.raises(ValueError, match="备注"):
        set_override(D(2027, 1, 1), False, "很长" * 101)
    with pytest.raises(ValueError):
        set_override(D(2027, 1, 1), "no", "")
    with pytest.raises(ValueError):
        set_override("2027-02-30", False, "")


def test_default_calendar_sees_saved_override_at_once(db_session):
    # 2027 is not in the package: without data 2027-01-01 (a Friday) counts as a workday.
    before = get_calendar()
    assert before.is_workday(D(2027, 1, 1))
    assert before.uncovered_years([2027]) == [2027]
    assert get_calendar() is before  # cached

    set_override(D(2027, 1, 1), False, "元旦")
    after = get_calendar()
    assert after is not before
    assert not after.is_workday(D(2027, 1, 1))
    assert after.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert not after.is_year_covered(2027)  # one entered day: still an estimate until confirmed
    confirm_year(2027, "国办发明电〔2026〕7号")
    assert get_calendar().is_year_covered(2027)

    delete_override(D(2027, 1, 1))
    assert get_calendar().is_workday(D(2027, 1, 1))


def test_override_beats_package_in_covered_year(db_session):
    set_override(D(2026, 10, 8), False, "临时调整")
    assert get_calendar().add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)


def test_coverage_report(db_session):
    set_override(D(2027, 1, 1), False, "元旦")
    set_override(D(2027, 2, 6), True, "调休")
    report = coverage_report(range(2025, 2028))
    assert [tuple(r)[:3] for r in report] == [(2025, True, 0), (2026, True, 0), (2027, False, 2)]
    assert report[2].covered_by_package is False and not report[2].is_covered
    confirm_year(2027, "国办发明电〔2026〕7号")
    assert coverage_report([2027])[0].is_covered and coverage_report([2027])[0].confirmed.source.startswith("国办")
    assert coverage_report([]) == []


# --- CLI -----------------------------------------------------------------------------------


@pytest.fixture
def runner(db_session, monkeypatch):
    @contextmanager
    def no_commit():
        # The test transaction is rolled back by the fixture; flushing is enough here.
        yield db_session
        db_session.flush()

    monkeypatch.setattr("app.db.unit_of_work", no_commit)
    app = Flask("calendar-cli-db-test")
    register_cli(app)
    return app.test_cli_runner()


def test_cli_set_list_delete_override(runner):
    result = runner.invoke(args=["calendar", "set-override", "2027-01-01", "--holiday", "--note", "元旦"])
    assert result.exit_code == 0, result.output
    assert "已将 2027-01-01 设为休息日" in result.stdout
    assert load_override_map() == {D(2027, 1, 1): False}

    result = runner.invoke(args=["calendar", "list-overrides", "--year", "2027"])
    assert result.stdout.strip() == "2027-01-01  休息日  元旦"

    result = runner.invoke(args=["calendar", "deadline", "2026-12-31", "--days", "1", "--working"])
    assert result.stdout.strip() == "2027-01-04"
    assert "尚未收录" in result.stderr  # until the year is confirmed as entered in full
    result = runner.invoke(args=["calendar", "confirm-year", "2027", "--source", "国办发明电〔2026〕7号"])
    assert result.exit_code == 0 and "已确认 2027 年" in result.stdout
    result = runner.invoke(args=["calendar", "deadline", "2026-12-31", "--days", "1", "--working"])
    assert result.stdout.strip() == "2027-01-04" and result.stderr == ""

    result = runner.invoke(args=["calendar", "delete-override", "2027-01-01"])
    assert "已删除" in result.stdout
    result = runner.invoke(args=["calendar", "list-overrides"])
    assert "暂无调整记录" in result.stdout


def test_cli_set_override_requires_kind(runner):
    result = runner.invoke(args=["calendar", "set-override", "2027-01-01"])
    assert result.exit_code != 0
    assert "--workday" in result.output


def test_cli_coverage(runner):
    set_override(D(2027, 1, 1), False, "元旦")
    result = runner.invoke(args=["calendar", "coverage", "--from-year", "2026", "--to-year", "2028"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[1].startswith("2026  有  0  已覆盖")
    assert lines[2].startswith("2027  无  1  已有调整记录，尚未确认录入完整")
    assert lines[3].startswith("2028  无  0  未覆盖")
