"""Sending and reading notifications; who is told about a task; signal subscriptions.

notify() only adds rows in the caller's transaction (idempotent by dedupe_key); mails are queued
on the session and sent after it commits (app.notifications.mail).
"""
from sqlalchemy import bindparam, exists, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import signals
from app.auth.models import Department, OrgUnit, Role, User, user_department, user_role
from app.db import db, utcnow
from app.errors import NotFound
from app.fixedsql import FixedStatement
from app.notifications import mail
from app.notifications.models import KINDS, Notification

PAGE_SIZE = 30


def notify(user_id, kind, title, *, dedupe_key, body="", link="", case_id=None, human_task_id=None,
           at=None) -> int | None:
    """Add one notification; returns its id, or None when one with this dedupe_key already exists."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    values = {"user_id": user_id, "kind": kind, "title": title[:200], "body": body, "link": link[:300],
              "case_id": case_id, "human_task_id": human_task_id, "dedupe_key": dedupe_key[:200],
              "created_at": at or utcnow()}
    # INSERT .. ON CONFLICT DO NOTHING: two workers racing on the same key never fail a job.
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Notification).values(**values).on_conflict_do_nothing(
        index_elements=["dedupe_key"]).returning(Notification.id)
    new_id = db.execute(stmt).scalar()
    if new_id is not None:
        mail.queue_for_user(user_id, title, body)
        if human_task_id is not None:
            db().info.setdefault(TASKS_NOTIFIED, set()).add(human_task_id)
    return new_id


def notify_users(users, kind, title, *, key, **fields) -> list[int]:
    """notify() each user once; the dedupe key is `key` plus the user id. Returns ids of new rows."""
    ids = []
    for user in users:
        new_id = notify(user.id, kind, title, dedupe_key=f"{key}:u{user.id}", **fields)
        if new_id is not None:
            ids.append(new_id)
    return ids


def unread_count(user_id) -> int:
    """How many unread notifications the user has."""
    return db.scalar(select(func.count()).select_from(Notification)
                     .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def list_notifications(user_id, *, unread_only=False, page=1) -> tuple[list[Notification], int]:
    """One page of the user's notifications, newest first, and the total count."""
    where = [Notification.user_id == user_id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = db.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
    rows = db.scalars(select(Notification).where(*where)
                      .order_by(Notification.created_at.desc(), Notification.id.desc())
                      .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return list(rows), total


def mark_read(user_id, notification_id) -> Notification:
    """Mark one of the user's notifications read (someone else's is reported as not found)."""
    row = db.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound("消息不存在")
    if row.read_at is None:
        row.read_at = utcnow()
        db.flush()
    return row


def mark_all_read(user_id) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.execute(update(Notification)
                        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _active_users(*where):
    stmt = (select(User).join(user_department, user_department.c.user_id == User.id)
            .join(Department, Department.id == user_department.c.department_id)
            .where(User.is_active.is_(True), *where).order_by(User.id).distinct())
    return list(db.scalars(stmt))


def department_members(org_unit_id, department_code) -> list[User]:
    """Active users of one bureau's department (the candidates of its tasks)."""
    return _active_users(User.org_unit_id == org_unit_id, Department.code == department_code)


def department_heads(org_unit_id, department_code) -> list[User]:
    """Active department heads (role supervisor) of one bureau's department."""
    stmt = (select(User.id).join(user_role, user_role.c.user_id == User.id)
            .join(Role, Role.id == user_role.c.role_id).where(Role.code == "supervisor"))
    return _active_users(User.org_unit_id == org_unit_id, Department.code == department_code,
                         User.id.in_(stmt))


def task_holders(task) -> list[User]:
    """Who must act on a task: its assignee, else every member of its bureau's department."""
    if task.assignee_id:
        user = db.get(User, task.assignee_id)
        return [user] if user is not None and user.is_active else []
    if task.org_unit_id is None or not task.department_code:
        return []
    return department_members(task.org_unit_id, task.department_code)


def heads_over_task(task) -> list[User]:
    """Department heads of the task's department at its bureau and at the bureau above."""
    unit = db.get(OrgUnit, task.org_unit_id) if task.org_unit_id else None
    heads = []
    for u in (unit, unit.parent if unit is not None else None):
        if u is not None:
            heads.extend(department_heads(u.id, task.department_code))
    return heads


def task_subject(task) -> str:
    """A task as a notification names it: step, case number and enterprise, e.g.
    "登记检验结果（BH-350121-2026-00001，闽侯县某某电器有限公司）", so two reminders can be told apart."""
    from app.cases.models import Case

    case = db.get(Case, task.case_id) if task.case_id else None
    if case is None:
        return task.title
    who = case.enterprise.name if case.enterprise is not None else case.title
    return f"{task.title}（{case.number}，{who}）"


def person_label(user) -> str:
    """Bureau and name of a person, without repeating the bureau when the name already starts with it
    (demo and many real accounts are named "福州市执法稽查科负责人")."""
    unit = user.org_unit
    if unit is None:
        return user.display_name
    short = unit.name.removesuffix("市场监督管理局")
    if user.display_name.startswith((unit.name, short)):
        return user.display_name
    return f"{unit.name}{user.display_name}"


def clear_task_notifications(task_id, at=None) -> int:
    """Mark every unread notification about a task read (it has been done); returns how many."""
    # A plain table UPDATE, built once: it runs on every task completion, and the ORM's bulk-update
    # machinery (and its autoflush of everything pending) cost more than the statement itself. Notices are
    # written at once by notify(), so one sent earlier in this transaction is cleared too.
    result = _CLEAR_TASK_NOTIFICATIONS.execute(db.connection(), {"task_id": task_id, "read_at": at or utcnow()})
    return result.rowcount or 0


_table = Notification.__table__
_TASK_NOTICE_KINDS = ("assignment", "reminder", "overdue", "escalation")
# The kinds (fixed identifiers) are written into the SQL: a bound IN list makes the statement change per call.
_TASK_NOTICE_KIND_FILTER = _table.c.kind.in_([literal_column(f"'{kind}'") for kind in _TASK_NOTICE_KINDS
                                              if kind.isidentifier()])
_CLEAR_TASK_NOTIFICATIONS = FixedStatement(
    update(_table).where(_table.c.human_task_id == bindparam("task_id"), _table.c.read_at.is_(None),
                         _TASK_NOTICE_KIND_FILTER)
    .values(read_at=bindparam("read_at")))


def _on_task_completed(case_id, *, task_id=None, at=None, lock_flags=None, **_kw):
    if task_id is None:
        return
    if lock_flags is not None and not lock_flags.get(UNREAD_TASK_NOTICES, True) and \
            task_id not in db().info.get(TASKS_NOTIFIED, ()):
        return  # the task lock's read found no unread notice about the task, and none was sent since
    clear_task_notifications(task_id, at)


UNREAD_TASK_NOTICES = "unread_task_notices"
TASKS_NOTIFIED = "notifications_tasks_notified"  # session.info key: tasks notify() wrote a notice about


def task_notice_flags(task_id) -> dict:
    """What a task completion's lock also reads for this domain: does the task have an unread notice
    (most have none: only assigned, reminded, overdue or escalated tasks do)."""
    return {UNREAD_TASK_NOTICES: exists().where(_table.c.human_task_id == task_id, _table.c.read_at.is_(None),
                                                _TASK_NOTICE_KIND_FILTER)}


def _on_task_assigned(task, *, assignee_id, actor_id=None, at=None, **_kw):
    # The new holder is told; the actor (who knows already) is skipped by the signal's sender.
    at = at or utcnow()
    notify(assignee_id, "assignment", f"新分派任务：{task_subject(task)}", human_task_id=task.id,
           case_id=task.case_id, body="您有一项任务被分派或转办给您，请及时办理。",
           dedupe_key=f"assign:t{task.id}:u{assignee_id}:{at.isoformat()}", at=at)


def _on_task_created(task, *, at=None, **_kw):
    # A candidate task (no assignee) is NOT pushed to every member of the department: it shows in
    # the department inbox already, and a department at a city bureau gets dozens a day. Only a
    # task created with a named assignee is announced to that person.
    if task.assignee_id:
        _on_task_assigned(task, assignee_id=task.assignee_id, at=at)


def connect_signals():
    """Subscribe to the task signals (idempotent: blinker keeps one connection per receiver)."""
    signals.task_created.connect(_on_task_created)
    signals.task_assigned.connect(_on_task_assigned)
    signals.task_completed.connect(_on_task_completed)


connect_signals()
