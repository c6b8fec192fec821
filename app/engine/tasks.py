"""Who holds an inbox task: claim, release, assign (department heads) and delegate, each audited.

These change only the `human_task` row (never workflow state), under a row lock on PostgreSQL;
a concurrent change of the same row is reported as a conflict by the status/assignee checks.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from app import signals
from app.audit.services import record_event
from app.auth.models import User
from app.db import db, is_postgres, utcnow
from app.engine.models import HumanTask
from app.errors import Conflict, Forbidden, InvalidInput, NotFound


def _lock_task(task_id) -> HumanTask:
    stmt = select(HumanTask).where(HumanTask.id == task_id)
    if is_postgres():
        stmt = stmt.with_for_update()
    task = db.scalar(stmt)
    if task is None:
        raise NotFound(_("任务不存在"))
    if task.status != "ready":
        raise Conflict(_("任务已办结或已取消，不能再变更承办人"))
    return task


def _is_candidate(user: User, task: HumanTask) -> bool:
    return bool(user and user.is_active and user.org_unit_id == task.org_unit_id
                and task.department_code in user.department_codes)


def is_head_over(user: User, task: HumanTask) -> bool:
    """A department head of the task's department at the task's bureau or a bureau above it."""
    if not (user and user.is_active and user.has_role("supervisor")):
        return False
    if task.department_code not in user.department_codes and not user.has_role("system_admin"):
        return False
    from app.auth.services import is_in_scope

    return is_in_scope(user, task.org_unit_id)


def _set_assignee(task, assignee_id, actor_id, event_type, reason="", **extra):
    previous = task.assignee_id
    now = utcnow()
    task.assignee_id = assignee_id
    task.claimed_at = now if assignee_id else None
    db.flush()
    record_event(event_type, case_id=task.case_id, instance_id=task.instance_id, human_task_id=task.id,
                 actor_id=actor_id, summary=task.title,
                 data={"from_user_id": previous, "to_user_id": assignee_id, "reason": reason, **extra}, at=now)
    if assignee_id and assignee_id != actor_id:
        signals.task_assigned.send(task, assignee_id=assignee_id, actor_id=actor_id, at=now)
    return task


def _colleague(task, assignee_id) -> User:
    user = db.get(User, assignee_id) if assignee_id else None
    if user is None:
        raise InvalidInput(_("请选择承办人"))
    if not _is_candidate(user, task):
        raise InvalidInput(_("所选人员不属于该任务的承办单位和科室"))
    return user


def claim_task(task_id, user) -> HumanTask:
    """Take a candidate task of my department and bureau into my own inbox."""
    task = _lock_task(task_id)
    if task.assignee_id == user.id:
        return task
    if task.assignee_id is not None:
        raise Conflict(_("该任务已被他人签收"))
    if not _is_candidate(user, task):
        raise Forbidden(_("您不是该任务的承办科室人员"))
    return _set_assignee(task, user.id, user.id, "task_claimed")


def release_task(task_id, user) -> HumanTask:
    """Give a claimed task back to the department's candidate pool."""
    task = _lock_task(task_id)
    if task.assignee_id is None:
        return task
    if task.assignee_id != user.id and not is_head_over(user, task):
        raise Forbidden(_("只有承办人或科室负责人可以退回任务"))
    return _set_assignee(task, None, user.id, "task_released")


def assign_task(task_id, actor, assignee_id, reason="") -> HumanTask:
    """A department head assigns the task to a colleague of the task's bureau and department."""
    task = _lock_task(task_id)
    if not is_head_over(actor, task):
        raise Forbidden(_("只有该科室的负责人可以分派任务"))
    assignee = _colleague(task, assignee_id)
    return _set_assignee(task, assignee.id, actor.id, "task_assigned", reason)


def delegate_task(task_id, actor, assignee_id, reason="") -> HumanTask:
    """The holder (or a head) hands the task on to a colleague; the reason is kept in the audit log."""
    task = _lock_task(task_id)
    if task.assignee_id != actor.id and not is_head_over(actor, task):
        raise Forbidden(_("只有当前承办人或科室负责人可以转办任务"))
    assignee = _colleague(task, assignee_id)
    if assignee.id == task.assignee_id:
        raise InvalidInput(_("任务已由该人员承办"))
    return _set_assignee(task, assignee.id, actor.id, "task_delegated", reason)


def assignable_users(task_id) -> list[User]:
    """Colleagues who may take the task: active users of its bureau and department."""
    task = db.get(HumanTask, task_id)
    if task is None:
        raise NotFound(_("任务不存在"))
    users = db.scalars(select(User).where(User.org_unit_id == task.org_unit_id, User.is_active.is_(True))
                       .order_by(User.display_name))
    return [u for u in users if task.department_code in u.department_codes]
