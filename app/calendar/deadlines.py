"""Statutory deadlines: due rules ("15WD", "60D", "24H"), due instants, clock stops."""
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple

from app.calendar.workdays import as_date, get_calendar
from app.clock import LOCAL_TZ

UNIT_WORKING_DAYS = "WD"
UNIT_DAYS = "D"
UNIT_HOURS = "H"
UNITS = (UNIT_WORKING_DAYS, UNIT_DAYS, UNIT_HOURS)
UNIT_LABELS = {UNIT_WORKING_DAYS: "个工作日", UNIT_DAYS: "日", UNIT_HOURS: "小时"}

# Ten years is far beyond any statutory limit; a larger number is a typo in a process file.
MAX_AMOUNT = 3660

_RULE_RE = re.compile(r"^\s*(\d+)\s*(WD|D|H)\s*$", re.IGNORECASE)


class DueRule(NamedTuple):
    """A parsed due rule: an amount and a unit (WD working days, D calendar days, H hours)."""

    amount: int
    unit: str

    @property
    def delta(self):
        """The exact duration of an hours rule (None for day rules, which need the calendar)."""
        return timedelta(hours=self.amount) if self.unit == UNIT_HOURS else None

    @property
    def label(self):
        """The rule in Chinese, e.g. "15个工作日"."""
        return f"{self.amount}{UNIT_LABELS[self.unit]}"

    def __str__(self):
        return f"{self.amount}{self.unit}"


def parse_due_rule(text):
    """Parse "15WD", "60D" or "24H" (case and spaces ignored) into a DueRule."""
    if isinstance(text, DueRule):
        return text
    match = _RULE_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"无法识别的期限规则：{text!r}（应为如 15WD、60D、24H 的格式）")
    amount, unit = int(match.group(1)), match.group(2).upper()
    if amount > MAX_AMOUNT:
        raise ValueError(f"期限过长：{text!r}（不得超过 {MAX_AMOUNT}）")
    return DueRule(amount, unit)


def compute_due_date(start, amount, unit, calendar=None):
    """The due day of a WD or D limit starting on start (first day not counted, holidays skipped)."""
    calendar = calendar or get_calendar()
    unit = (unit or "").upper()
    if unit == UNIT_WORKING_DAYS:
        return calendar.add_working_days(start, amount)
    if unit == UNIT_DAYS:
        return calendar.add_calendar_days(start, amount)
    if unit == UNIT_HOURS:
        raise ValueError("按小时计算的期限没有到期日，请使用 due_datetime")
    raise ValueError(f"未知的期限单位：{unit!r}（应为 WD、D 或 H）")


def end_of_day_utc(day):
    """23:59:59 China time on the given day, as an aware UTC datetime."""
    return datetime.combine(as_date(day), time(23, 59, 59), LOCAL_TZ).astimezone(UTC)


def due_datetime(start_at, rule, calendar=None):
    """The due instant (aware UTC) of a rule started at start_at: end of the due day in China."""
    start_at = _aware(start_at)
    rule = parse_due_rule(rule)
    if rule.unit == UNIT_HOURS:
        return (start_at + rule.delta).astimezone(UTC)
    # The start day is the China-time date of the start instant: a notice served at
    # 01:00 Beijing time is served "that day" even though UTC still shows the day before.
    return end_of_day_utc(compute_due_date(as_date(start_at), rule.amount, rule.unit, calendar))


# --- clock stops ----------------------------------------------------------------------
#
# The rule, in the units of the due rule:
# - WD: the due day moves by the working days after the pause day up to and including the
#   resume day (both taken in China time), i.e. working_days_between(pause_day, resume_day).
#   Paused Wednesday 2026-09-30, resumed Friday 2026-10-09: Oct 8 and 9 are lost, so the
#   due day moves 2 working days. Pausing and resuming on the same day moves nothing.
# - D: the due day moves by the calendar days between pause day and resume day, the pause
#   day not counted (the same "first day not counted" convention as the limit itself).
# - H: the due instant moves by the exact paused duration.
# Paused amounts (and extensions) are added to the rule's amount and the due day is
# recomputed from the start, rather than shifting an already rolled-forward due day, so a
# due day moved off a holiday is not moved twice.
# While paused, due_at keeps its last value; callers must not escalate a paused deadline.


@dataclass(frozen=True)
class Deadline:
    """A running statutory deadline with its clock stops and extensions (JSON via to_dict)."""

    rule: str
    start_at: datetime
    due_at: datetime
    paused_at: datetime | None = None
    paused_total: int = 0
    extended: int = 0
    pauses: tuple = field(default_factory=tuple)

    @property
    def is_paused(self):
        """True while the clock is stopped."""
        return self.paused_at is not None

    @property
    def due_rule(self):
        """The parsed due rule."""
        return parse_due_rule(self.rule)

    @property
    def due_date(self):
        """The due day in China time."""
        return as_date(self.due_at)

    def to_dict(self):
        """A JSON-friendly dict (ISO strings) for process variables."""
        return {
            "rule": self.rule,
            "start_at": self.start_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "due_date": self.due_date.isoformat(),
            "paused_at": self.paused_at.isoformat() if self.paused_at else None,
            "paused_total": self.paused_total,
            "extended": self.extended,
            "pauses": [list(p) for p in self.pauses],
        }

    @classmethod
    def from_dict(cls, data):
        """Rebuild a Deadline from to_dict() output."""
        paused_at = data.get("paused_at")
        return cls(
            rule=str(parse_due_rule(data["rule"])),
            start_at=_parse_instant(data["start_at"]),
            due_at=_parse_instant(data["due_at"]),
            paused_at=_parse_instant(paused_at) if paused_at else None,
            paused_total=int(data.get("paused_total", 0)),
            extended=int(data.get("extended", 0)),
            pauses=tuple(tuple(p) for p in data.get("pauses", ())),
        )


def start_deadline(start_at, rule, calendar=None):
    """Start the clock of a due rule at start_at."""
    start_at = _aware(start_at).astimezone(UTC)
    rule = parse_due_rule(rule)
    return Deadline(rule=str(rule), start_at=start_at, due_at=due_datetime(start_at, rule, calendar))


def pause(state, at):
    """Stop the clock at the instant at (a Deadline or its dict; the same type is returned)."""
    deadline, as_dict = _coerce(state)
    at = _aware(at).astimezone(UTC)
    if deadline.is_paused:
        raise ValueError("期限已处于中止状态，不能重复中止")
    if at < deadline.start_at:
        raise ValueError("中止时间不能早于期限起算时间")
    return _out(replace(deadline, paused_at=at), as_dict)


def resume(state, at, calendar=None):
    """Restart the clock at the instant at, moving the due date by the paused time."""
    deadline, as_dict = _coerce(state)
    at = _aware(at).astimezone(UTC)
    if not deadline.is_paused:
        raise ValueError("期限未中止，无法恢复计算")
    if at < deadline.paused_at:
        raise ValueError("恢复时间不能早于中止时间")
    calendar = calendar or get_calendar()
    lost = paused_amount(deadline.due_rule.unit, deadline.paused_at, at, calendar)
    updated = replace(
        deadline,
        paused_at=None,
        paused_total=deadline.paused_total + lost,
        pauses=deadline.pauses + ((deadline.paused_at.isoformat(), at.isoformat(), lost),),
    )
    return _out(_recompute(updated, calendar), as_dict)


def extend(state, amount, calendar=None):
    """Extend the limit by amount in its own unit (e.g. 15WD more to decide on a case)."""
    deadline, as_dict = _coerce(state)
    amount = int(amount)
    if amount < 0:
        raise ValueError("延长期限不能为负数")
    updated = replace(deadline, extended=deadline.extended + amount)
    if not updated.is_paused:
        updated = _recompute(updated, calendar or get_calendar())
    return _out(updated, as_dict)


def paused_amount(unit, paused_at, resumed_at, calendar=None):
    """How much of a limit's unit a clock stop from paused_at to resumed_at takes away."""
    paused_at, resumed_at = _aware(paused_at), _aware(resumed_at)
    if unit == UNIT_HOURS:
        return int((resumed_at - paused_at).total_seconds())
    first, last = as_date(paused_at), as_date(resumed_at)
    if unit == UNIT_DAYS:
        return (last - first).days
    if unit == UNIT_WORKING_DAYS:
        return (calendar or get_calendar()).working_days_between(first, last)
    raise ValueError(f"未知的期限单位：{unit!r}（应为 WD、D 或 H）")


def _recompute(deadline, calendar):
    rule = deadline.due_rule
    if rule.unit == UNIT_HOURS:
        # paused_total is in seconds for hour rules; extensions are in hours.
        due = deadline.start_at + timedelta(
            hours=rule.amount + deadline.extended, seconds=deadline.paused_total
        )
        return replace(deadline, due_at=due.astimezone(UTC))
    total = rule.amount + deadline.extended + deadline.paused_total
    due_day = compute_due_date(as_date(deadline.start_at), total, rule.unit, calendar)
    return replace(deadline, due_at=end_of_day_utc(due_day))


def _coerce(state):
    if isinstance(state, Deadline):
        return state, False
    if isinstance(state, dict):
        return Deadline.from_dict(state), True
    raise TypeError("state must be a Deadline or its dict")


def _out(deadline, as_dict):
    return deadline.to_dict() if as_dict else deadline


def _aware(value):
    if isinstance(value, str):
        value = _parse_instant(value)
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("时间必须带时区（例如 2026-10-09T09:00:00+08:00）")
    return value


def _parse_instant(text):
    value = datetime.fromisoformat(text) if isinstance(text, str) else text
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"时间必须带时区：{text!r}")
    return value.astimezone(UTC)

