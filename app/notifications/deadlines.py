"""Deadline notifications for inbox tasks: reminders before / at / after due, escalation to heads.

Overdue is derived (due_at < now on a ready task); what was already sent lives in our own
notification dedupe keys, so every function here is idempotent and safe to run on every tick.
The due instant is part of each key: a deadline that moves (clock stop, extension) is reminded anew.
"""
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from app.audit.services import record_event
from app.calendar.workdays import as_date, get_calendar
from app.clock import LOCAL_TZ
from app.db import db
from app.engine.models import HumanTask, ProcessInstance
from app.notifications.models import Notification
from app.notifications.services import heads_over_task, notify_users, task_holders, task_subject

DEFAULT_ESCALATION_WORKING_DAYS = 3
# The "before" reminder is one working day ahead; around the Spring Festival that can be ~10
# calendar days, so tasks due within this horizon are examined.
LOOKAHEAD = timedelta(days=14)
STAGES = ("before", "due", "overdue")


def _day_start_utc(day):
    return datetime.combine(day, time(0, 0), LOCAL_TZ).astimezone(UTC)


def reminder_stage(due_at, now, calendar=None) -> str | None:
    """Which reminder applies now: 'before' (from the working day before the due day), 'due' (on
    the due day), 'overdue' (past due_at), or None (too early). Only the latest stage is sent."""
    if now >= due_at:
        return "overdue"
    calendar = calendar or get_calendar()
    due_day = as_date(due_at)
    if now >= _day_start_utc(due_day):
        return "due"
    if now >= _day_start_utc(calendar.add_working_days(due_day, -1)):
        return "before"
    return None


def working_days_late(due_at, now, calendar=None) -> int:
    """Whole working days between the due day and today (China time); 0 on the due day itself."""
    calendar = calendar or get_calendar()
    return max(0, calendar.working_days_between(as_date(due_at), as_date(now)))


def _key(prefix, task):
    return f"{prefix}:t{task.id}:{task.due_at.astimezone(UTC).isoformat(timespec='seconds')}"


def _sent_prefixes(task_ids, kinds) -> set[str]:
    """Keys already sent for these tasks, with the per-user suffix cut off."""
    sent = set()
    ids = list(task_ids)
    for start in range(0, len(ids), 500):
        rows = db.scalars(select(Notification.dedupe_key).where(
            Notification.human_task_id.in_(ids[start:start + 500]), Notification.kind.in_(kinds)))
        sent.update(key.rsplit(":u", 1)[0] for key in rows)
    return sent


def _ready_tasks(due_before):
    # A suspended instance's tasks cannot be completed until an admin resumes it: urging their
    # holders (or escalating to heads) would ask for work nobody is able to do.
    suspended = select(ProcessInstance.id).where(ProcessInstance.status == "suspended")
    return list(db.scalars(select(HumanTask).where(
        HumanTask.status == "ready", HumanTask.due_at.is_not(None), HumanTask.due_at <= due_before,
        HumanTask.clock_paused_at.is_(None), HumanTask.instance_id.not_in(suspended))
        .order_by(HumanTask.due_at, HumanTask.id)))


def _fmt_local(at):
    return at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _reminder_text(stage, task, now, calendar):
    due = _fmt_local(task.due_at)
    subject = task_subject(task)
    if stage == "before":
        return "reminder", f"任务即将到期：{subject}", f"办理期限为 {due}（北京时间），请在到期前办结。"
    if stage == "due":
        return "reminder", f"任务今日到期：{subject}", f"办理期限为今天 {due[-5:]}，请尽快办结。"
    late = working_days_late(task.due_at, now, calendar)
    return "overdue", f"任务已超期：{subject}", f"办理期限为 {due}，已超期 {late} 个工作日，请立即办理。"


def send_due_reminders(now) -> int:
    """Remind each holder of a ready task once per stage (before / at / after due). Returns rows added."""
    calendar = get_calendar()
    tasks = _ready_tasks(now + LOOKAHEAD)
    sent = _sent_prefixes([t.id for t in tasks], ("reminder", "overdue"))
    added = 0
    for task in tasks:
        stage = reminder_stage(task.due_at, now, calendar)
        if stage is None:
            continue
        key = _key(f"reminder:{stage}", task)
        if key in sent:
            continue
        kind, title, body = _reminder_text(stage, task, now, calendar)
        added += len(notify_users(task_holders(task), kind, title, key=key, body=body, case_id=task.case_id,
                                  human_task_id=task.id, at=now))
    return added


def escalate_overdue_tasks(now, after_working_days=DEFAULT_ESCALATION_WORKING_DAYS) -> int:
    """Tell the department heads (task's bureau and the one above) of tasks overdue by more than
    `after_working_days` working days; once per task and deadline, audited. Returns tasks escalated."""
    calendar = get_calendar()
    tasks = _ready_tasks(now)
    sent = _sent_prefixes([t.id for t in tasks], ("escalation",))
    escalated = 0
    for task in tasks:
        late = working_days_late(task.due_at, now, calendar)
        key = _key("escalation", task)
        if late <= after_working_days or key in sent:
            continue
        heads = heads_over_task(task)
        new = notify_users(heads, "escalation", f"超期升级：{task_subject(task)}", key=key, case_id=task.case_id,
                           human_task_id=task.id, at=now,
                           body=f"该任务办理期限为 {_fmt_local(task.due_at)}，已超期 {late} 个工作日，请督促办理。")
        if new:
            escalated += 1
            record_event("task_escalated", case_id=task.case_id, instance_id=task.instance_id,
                         human_task_id=task.id, summary=task.title, at=now,
                         data={"working_days_late": late, "notified_user_ids": [u.id for u in heads]})
    return escalated
