"""Statutory deadlines, clock stops, BPMN helpers and the `flask calendar deadline` command."""
import json
import sys
import types
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask import Flask
from freezegun import freeze_time

from app.calendar import deadlines, helpers, workdays
from app.calendar.cli import register_cli
from app.calendar.deadlines import (
    DueRule,
    compute_due_date,
    due_datetime,
    end_of_day_utc,
    extend,
    parse_due_rule,
    pause,
    resume,
    start_deadline,
)
from app.calendar.workdays import WorkCalendar

D = date
UTC = UTC
CST = timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def package_only_calendar():
    # Pure tests must not reach for a database that another fixture may have bound.
    workdays.set_default_calendar(WorkCalendar())
    yield
    workdays.set_default_calendar(None)


# --- due rules -----------------------------------------------------------------------------


def test_parse_due_rule():
    assert parse_due_rule("15WD") == (15, "WD")
    assert parse_due_rule(" 60 d ") == DueRule(60, "D")
    rule = parse_due_rule("24H")
    assert rule == (24, "H") and rule.delta == timedelta(hours=24)
    assert parse_due_rule("15WD").delta is None
    assert str(parse_due_rule("15wd")) == "15WD"
    assert parse_due_rule("15WD").label == "15个工作日"
    amount, unit = parse_due_rule("0D")
    assert (amount, unit) == (0, "D")


@pytest.mark.parametrize("text", ["", "15", "WD", "-3D", "1.5D", "15W", "15 days", "99999D", None, 15])
def test_parse_due_rule_errors(text):
    with pytest.raises(ValueError, match="期限"):
        parse_due_rule(text)


# --- due dates -------------------------------------------------------------------------------


def test_working_day_deadlines_around_national_day():
    assert compute_due_date(D(2026, 9, 30), 5, "WD") == D(2026, 10, 13)
    assert compute_due_date(D(2026, 9, 30), 15, "WD") == D(2026, 10, 27)
    assert compute_due_date(D(2026, 9, 30), 20, "WD") == D(2026, 11, 3)


def test_working_day_deadlines_across_spring_festival():
    assert compute_due_date(D(2026, 2, 6), 15, "wd") == D(2026, 3, 5)
    assert compute_due_date(D(2026, 2, 2), 20, "WD") == D(2026, 3, 6)


def test_calendar_day_deadline_landing_on_holiday_moves_to_next_working_day():
    # Objection window for industrial products: 15 days from receipt on Sept 16 ends on
    # Oct 1 (National Day), so it runs to Oct 8.
    assert compute_due_date(D(2026, 9, 16), 15, "D") == D(2026, 10, 8)
    # Order to rectify within 60 days, served Aug 2: Oct 1 -> Oct 8.
    assert compute_due_date(D(2026, 8, 2), 60, "D") == D(2026, 10, 8)
    # First day not counted: 90 days from Sept 1 is Nov 30 (a Monday).
    assert compute_due_date(D(2026, 9, 1), 90, "D") == D(2026, 11, 30)


def test_compute_due_date_uses_given_calendar():
    cal = WorkCalendar({D(2026, 10, 13): False})
    assert compute_due_date(D(2026, 9, 30), 5, "WD", cal) == D(2026, 10, 14)


def test_compute_due_date_rejects_hours_and_unknown_units():
    with pytest.raises(ValueError):
        compute_due_date(D(2026, 9, 30), 24, "H")
    with pytest.raises(ValueError):
        compute_due_date(D(2026, 9, 30), 3, "M")


def test_end_of_day_utc():
    assert end_of_day_utc(D(2026, 10, 9)) == datetime(2026, 10, 9, 15, 59, 59, tzinfo=UTC)


def test_due_datetime_is_end_of_due_day_in_china():
    due = due_datetime(datetime(2026, 9, 30, 10, tzinfo=CST), "5WD")
    assert due == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)
    assert due.tzinfo == UTC
    assert due.astimezone(CST).isoformat() == "2026-10-13T23:59:59+08:00"


def test_due_datetime_takes_the_start_day_in_china_time():
    # 18:00 UTC on Oct 8 is 02:00 on Oct 9 in Beijing: one working day later is the
    # make-up Saturday Oct 10, not Oct 9.
    due = due_datetime(datetime(2026, 10, 8, 18, tzinfo=UTC), "1WD")
    assert due == datetime(2026, 10, 10, 15, 59, 59, tzinfo=UTC)


def test_due_datetime_hours_and_calendar_days():
    start = datetime(2026, 9, 30, 22, 30, tzinfo=CST)
    assert due_datetime(start, "24H") == datetime(2026, 10, 1, 14, 30, tzinfo=UTC)
    assert due_datetime(start, "3D") == end_of_day_utc(D(2026, 10, 8))


def test_due_datetime_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="时区"):
        due_datetime(datetime(2026, 9, 30, 10), "5WD")


# --- clock stops -------------------------------------------------------------------------


def test_pause_and_resume_across_national_day_working_days():
    deadline = start_deadline(datetime(2026, 9, 28, 9, tzinfo=CST), "15WD")
    assert deadline.due_date == D(2026, 10, 23)
    # Samples go to the lab on Sept 30; the report comes back on Oct 9. The holidays cost
    # nothing; Oct 8 and Oct 9 are lost, so the due day moves two working days.
    paused = pause(deadline, datetime(2026, 9, 30, 10, tzinfo=CST))
    assert paused.is_paused
    resumed = resume(paused, datetime(2026, 10, 9, 15, tzinfo=CST))
    assert not resumed.is_paused
    assert resumed.paused_total == 2
    assert resumed.due_date == D(2026, 10, 27)
    assert resumed.due_at == datetime(2026, 10, 27, 15, 59, 59, tzinfo=UTC)


def test_pause_and_resume_calendar_days():
    deadline = start_deadline(datetime(2026, 9, 1, 9, tzinfo=CST), "90D")
    assert deadline.due_date == D(2026, 11, 30)
    paused = pause(deadline, datetime(2026, 9, 30, 16, tzinfo=CST))
    resumed = resume(paused, datetime(2026, 10, 9, 9, tzinfo=CST))
    assert resumed.paused_total == 9
    assert resumed.due_date == D(2026, 12, 9)


def test_pause_does_not_shift_a_due_day_already_moved_off_a_holiday():
    # 60 days from Aug 2 is Oct 1 -> Oct 8; one lost day makes it Oct 2 -> still Oct 8.
    deadline = start_deadline(datetime(2026, 8, 2, 9, tzinfo=CST), "60D")
    resumed = resume(pause(deadline, datetime(2026, 8, 10, 9, tzinfo=CST)),
                     datetime(2026, 8, 11, 9, tzinfo=CST))
    assert resumed.paused_total == 1
    assert resumed.due_date == D(2026, 10, 8)


def test_pause_and_resume_same_day_moves_nothing():
    deadline = start_deadline(datetime(2026, 9, 28, 9, tzinfo=CST), "15WD")
    resumed = resume(pause(deadline, datetime(2026, 9, 29, 9, tzinfo=CST)),
                     datetime(2026, 9, 29, 17, tzinfo=CST))
    assert resumed.due_date == deadline.due_date
    assert len(resumed.pauses) == 1


def test_pause_and_resume_hours_rule():
    deadline = start_deadline(datetime(2026, 10, 1, 9, tzinfo=CST), "24H")
    paused = pause(deadline, datetime(2026, 10, 1, 10, tzinfo=CST))
    resumed = resume(paused, datetime(2026, 10, 1, 12, 30, tzinfo=CST))
    assert resumed.due_at == datetime(2026, 10, 2, 3, 30, tzinfo=UTC)


def test_pause_resume_errors():
    deadline = start_deadline(datetime(2026, 9, 28, 9, tzinfo=CST), "15WD")
    with pytest.raises(ValueError):
        resume(deadline, datetime(2026, 9, 29, tzinfo=CST))
    with pytest.raises(ValueError):
        pause(deadline, datetime(2026, 9, 27, tzinfo=CST))
    paused = pause(deadline, datetime(2026, 9, 30, tzinfo=CST))
    with pytest.raises(ValueError):
        pause(paused, datetime(2026, 10, 8, tzinfo=CST))
    with pytest.raises(ValueError):
        resume(paused, datetime(2026, 9, 29, tzinfo=CST))
    with pytest.raises(ValueError):
        pause(deadline, datetime(2026, 9, 30))


def test_deadline_state_as_json_dict():
    state = start_deadline(datetime(2026, 9, 28, 9, tzinfo=CST), "15WD").to_dict()
    assert state["due_date"] == "2026-10-23"
    state = json.loads(json.dumps(pause(state, "2026-09-30T10:00:00+08:00")))
    state = resume(state, "2026-10-09T15:00:00+08:00")
    assert isinstance(state, dict)
    assert state["due_date"] == "2026-10-27"
    assert state["paused_at"] is None and state["paused_total"] == 2
    assert json.loads(json.dumps(state)) == state


def test_extend_working_day_limit():
    # Decision to open a case: 15 WD, extendable by 15 WD.
    deadline = start_deadline(datetime(2026, 9, 30, 9, tzinfo=CST), "15WD")
    assert extend(deadline, 15).due_date == D(2026, 11, 17)
    assert deadlines.compute_due_date(D(2026, 9, 30), 30, "WD") == D(2026, 11, 17)


# --- BPMN expression helpers ---------------------------------------------------------------


@freeze_time("2026-09-30T16:30:00Z")
def test_today_is_the_date_in_china():
    assert helpers.today() == "2026-10-01"


@freeze_time("2026-09-30T15:59:59Z")
def test_today_just_before_midnight_in_china():
    assert helpers.today() == "2026-09-30"


def test_helpers_return_iso_strings():
    assert helpers.add_working_days("2026-09-30", 5) == "2026-10-13"
    assert helpers.add_working_days(D(2026, 9, 30), 15) == "2026-10-27"
    assert helpers.add_days("2026-09-28", 5) == "2026-10-08"
    assert helpers.end_of_day("2026-10-09") == "2026-10-09T23:59:59+08:00"
    assert helpers.end_of_day(D(2026, 10, 9)) == "2026-10-09T23:59:59+08:00"
    assert helpers.working_days_between("2026-09-30", "2026-10-09") == 2
    assert helpers.is_workday("2026-10-10") is True
    assert helpers.due_date("2026-09-16", "15D") == "2026-10-08"
    # An end_of_day value is a valid aware ISO datetime, usable as a timer's timeDate.
    parsed = datetime.fromisoformat(helpers.end_of_day("2026-10-09"))
    assert parsed.astimezone(UTC) == datetime(2026, 10, 9, 15, 59, 59, tzinfo=UTC)


def test_register_expression_helpers(monkeypatch):
    registered = {}

    def register_helper(name=None):
        def decorator(fn):
            registered[name or fn.__name__] = fn
            return fn
        return decorator

    fake = types.ModuleType("app.engine.expressions")
    fake.register_helper = register_helper
    monkeypatch.setitem(sys.modules, "app.engine.expressions", fake)
    assert helpers.register_expression_helpers() is True
    for name in ("today", "add_working_days", "add_days", "end_of_day", "working_days_between"):
        assert name in registered
    assert registered["add_days"]("2026-09-28", 5) == "2026-10-08"


# --- CLI -----------------------------------------------------------------------------------


@pytest.fixture
def runner():
    app = Flask("calendar-cli-test")
    register_cli(app)
    return app.test_cli_runner()


def test_cli_deadline_working_days(runner):
    result = runner.invoke(args=["calendar", "deadline", "2026-09-30", "--days", "5", "--working"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2026-10-13"
    assert result.stderr == ""


def test_cli_deadline_calendar_days(runner):
    result = runner.invoke(args=["calendar", "deadline", "2026-09-16", "--days", "15"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2026-10-08"


def test_cli_deadline_warns_for_uncovered_year(runner):
    result = runner.invoke(args=["calendar", "deadline", "2026-12-31", "--days", "3", "--working"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2027-01-05"
    assert "2027 年" in result.stderr and "警告" in result.stderr


def test_cli_deadline_no_warning_when_the_year_is_confirmed(runner):
    workdays.set_default_calendar(WorkCalendar({D(2027, 1, 1): False}, confirmed_years={2027}))
    result = runner.invoke(args=["calendar", "deadline", "2026-12-31", "--days", "3", "--working"])
    assert result.stdout.strip() == "2027-01-06"
    assert result.stderr == ""


def test_cli_deadline_bad_input(runner):
    result = runner.invoke(args=["calendar", "deadline", "2026-02-30", "--days", "5"])
    assert result.exit_code != 0
    assert "无法识别的日期" in result.output
