"""Overdue board and listed-supervision board: queries in the supervisor's scope, and the actions
(remind, reassign, open listed supervision), each audited in the caller's transaction."""
from dataclasses import dataclass, field

from sqlalchemy import case as sql_case
from sqlalchemy import distinct, func, literal, select
from sqlalchemy.orm import defer, selectinload

from app.audit.services import record_event
from app.auth.models import Department, OrgUnit, User
from app.auth.services import is_in_scope, scope_subquery, unit_ids_in_scope
from app.calendar.workdays import as_date, get_calendar
from app.cases.categories import category_label
from app.cases.fact_labels import option_labeller
from app.cases.models import Case
from app.cases.services import KIND_LABELS, open_follow_up_case
from app.clock import local_today
from app.db import db, utcnow
from app.engine import tasks as task_ops
from app.engine.models import HumanTask
from app.errors import Forbidden, InvalidInput, NotFound
from app.notifications.services import notify_users, person_label, task_holders, task_subject

DUE_SOON_WORKING_DAYS = 3
BOARD_PER_PAGE = 50
GROUPINGS = {"region": "地区", "department": "科室", "kind": "案件类型", "category": "产品类别"}
LISTING_LEVELS = {"province": "省局挂牌", "city": "市局挂牌"}


def require_supervisor(user):
    """Department heads only (system admins hold every role)."""
    if not (user and user.is_authenticated and user.has_role("supervisor")):
        raise Forbidden("仅科室负责人可以使用督办功能")


def _category_label(code):
    return category_label(code) or "未分类"


@dataclass
class BoardRow:
    """One overdue or due-soon task as the board shows it."""

    task_id: int
    title: str
    case_id: int | None
    case_number: str
    case_title: str
    kind: str
    kind_label: str
    category: str
    category_label: str
    region: str
    department_code: str
    department: str
    due_at: object
    working_days: int  # late (> 0), or left (<= 0 means due within that many working days)
    is_overdue: bool
    holder: str
    can_reassign: bool
    org_unit_id: int | None = None


def _row(user, now, calendar, task, case, unit, dept, holder):
    today, due_day = as_date(now), as_date(task.due_at)
    is_overdue = task.due_at < now
    return BoardRow(
        task_id=task.id, title=task.title, case_id=task.case_id, case_number=case.number if case else "",
        case_title=case.title if case else "", kind=case.kind if case else "",
        kind_label=KIND_LABELS.get(case.kind, case.kind) if case else "",
        category=case.product_category if case else "",
        category_label=_category_label(case.product_category if case else ""),
        region=unit.name if unit else "", department_code=task.department_code,
        department=dept.name if dept else task.department_code, due_at=task.due_at,
        working_days=max(0, calendar.working_days_between(due_day, today)) if is_overdue
        else calendar.working_days_between(today, due_day),
        is_overdue=is_overdue, holder=holder.display_name if holder else "",
        can_reassign=task.department_code in user.department_codes or user.has_role("system_admin"),
        org_unit_id=task.org_unit_id)




@dataclass
class BoardGroup:
    """Rows sharing one value of the chosen grouping: the counts cover the whole group (from SQL), the
    rows only those on the current page."""

    label: str
    overdue: int = 0
    due_soon: int = 0
    rows: list = field(default_factory=list)


def _board_filters(user, horizon, now, state, department, kind):
    # A stopped clock (testing, hearing) is not lateness: such tasks wait for it to resume.
    where = [HumanTask.status == "ready", HumanTask.due_at.is_not(None), HumanTask.due_at <= horizon,
             HumanTask.clock_paused_at.is_(None), HumanTask.org_unit_id.in_(scope_subquery(user.org_unit))]
    if state == "overdue":
        where.append(HumanTask.due_at < now)
    elif state == "due_soon":
        where.append(HumanTask.due_at >= now)
    if department:
        where.append(HumanTask.department_code == department)
    if kind:
        where.append(Case.kind == kind)
    return where


def _group_column(group):
    return {"region": HumanTask.org_unit_id, "department": HumanTask.department_code, "kind": Case.kind,
            "category": Case.product_category}[group]


def _group_labels(group, keys):
    if group == "region":
        ids = [k for k in keys if k is not None]
        return {u.id: u.name for u in db.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))} if ids else {}
    if group == "department":
        return {k: k for k in keys} | {d.code: d.name for d in db.scalars(select(Department))}
    if group == "kind":
        return {k: KIND_LABELS.get(k, k) if k else "未关联案件" for k in keys}
    return {k: _category_label(k or "") for k in keys}


def _row_key(group, row):
    return {"region": row.org_unit_id, "department": row.department_code, "kind": row.kind or None,
            "category": row.category if row.case_id else None}[group]


def _board_rows(user, now, calendar, where, rank_of, column, page):
    rank = sql_case(rank_of, value=column, else_=len(rank_of)) if rank_of else literal(0)
    # The page's task ids first, sorting narrow human_task rows only; then the 50 rows with their joins.
    ids = list(db.scalars(
        select(HumanTask.id).outerjoin(Case, Case.id == HumanTask.case_id).where(*where)
        # The groups' order, then overdue before due soon: the most working days late first, then
        # the most working days left first.
        .order_by(rank, sql_case((HumanTask.due_at < now, 0), else_=1),
                  sql_case((HumanTask.due_at < now, HumanTask.due_at)), HumanTask.due_at.desc(), HumanTask.id)
        .limit(BOARD_PER_PAGE).offset((page - 1) * BOARD_PER_PAGE)))
    if not ids:
        return []
    stmt = (select(HumanTask, Case, OrgUnit, Department, User)
            .outerjoin(Case, Case.id == HumanTask.case_id)
            .outerjoin(OrgUnit, OrgUnit.id == HumanTask.org_unit_id)
            .outerjoin(Department, Department.code == HumanTask.department_code)
            .outerjoin(User, User.id == HumanTask.assignee_id)
            .options(defer(Case.facts))  # a row shows no facts, and they can be large
            .where(HumanTask.id.in_(ids)))
    position = {task_id: n for n, task_id in enumerate(ids)}
    found = sorted(db.execute(stmt).all(), key=lambda r: position[r[0].id])
    return [_row(user, now, calendar, *r) for r in found]


def overdue_board(user, *, group="region", state="all", department="", kind="", page=1, now=None) -> dict:
    """Overdue and due-soon (within 3 working days) tasks in the user's scope, grouped: the counts from
    grouped SQL, the rows one page at a time (groups with the most overdue first)."""
    require_supervisor(user)
    now = now or utcnow()
    calendar = get_calendar()
    horizon_day = calendar.add_working_days(as_date(now), DUE_SOON_WORKING_DAYS)
    from app.calendar.deadlines import end_of_day_utc

    where = _board_filters(user, end_of_day_utc(horizon_day), now, state, department, kind)
    column = _group_column(group)
    late = sql_case((HumanTask.due_at < now, 1), else_=0)
    counted = (select(column, func.count(), func.sum(late)).select_from(HumanTask)
               .outerjoin(Case, Case.id == HumanTask.case_id).where(*where).group_by(column))
    found = db.execute(counted).all()
    labels = _group_labels(group, [key for key, _total, _late in found])
    groups = {key: BoardGroup(labels.get(key, ""), int(late_n or 0), total - int(late_n or 0))
              for key, total, late_n in found}
    keys = sorted(groups, key=lambda k: (-groups[k].overdue, -(groups[k].overdue + groups[k].due_soon),
                                         groups[k].label))
    total = sum(g.overdue + g.due_soon for g in groups.values())
    pages = max(1, -(-total // BOARD_PER_PAGE))
    page = min(max(1, page), pages)
    overdue_cases = 0
    if keys:
        rank_of = {key: n for n, key in enumerate(keys) if key is not None}
        for r in _board_rows(user, now, calendar, where, rank_of, column, page):
            groups[_row_key(group, r)].rows.append(r)
        overdue_cases = db.scalar(select(func.count(distinct(HumanTask.case_id))).select_from(HumanTask)
                                  .outerjoin(Case, Case.id == HumanTask.case_id)
                                  .where(*where, HumanTask.due_at < now)) or 0
    return {"groups": [groups[k] for k in keys if groups[k].rows], "total": total,
            "overdue": sum(g.overdue for g in groups.values()),
            "due_soon": sum(g.due_soon for g in groups.values()), "cases": overdue_cases,
            "page": page, "pages": pages, "per_page": BOARD_PER_PAGE,
            "departments": list(db.scalars(select(Department).order_by(Department.id)))}


def _task_in_scope(user, task_id) -> HumanTask:
    require_supervisor(user)
    task = db.get(HumanTask, task_id)
    if task is None or not is_in_scope(user, task.org_unit_id):
        raise NotFound("任务不存在或不在您的辖区内")
    if task.status != "ready":
        raise InvalidInput("任务已办结或已取消，无需督办")
    return task


def remind_task(task_id, actor, note="") -> int:
    """A head urges the holder(s) of a task: notifications plus an audit row. Returns people told."""
    task = _task_in_scope(actor, task_id)
    now = utcnow()
    holders = task_holders(task)
    if not holders:
        raise InvalidInput("该任务暂无可提醒的承办人员，请先分派")
    body = f"{person_label(actor)}督促您尽快办理该任务。" + (f"督办意见：{note}" if note else "")
    notify_users(holders, "reminder", f"督办提醒：{task_subject(task)}", key=f"remind:t{task.id}:{now.isoformat()}",
                 body=body, case_id=task.case_id, human_task_id=task.id, at=now)
    record_event("task_reminded", case_id=task.case_id, instance_id=task.instance_id, human_task_id=task.id,
                 actor_id=actor.id, summary=task.title, at=now,
                 data={"note": note, "notified_user_ids": [u.id for u in holders]})
    return len(holders)


def reassign_choices(task_id, actor) -> tuple[HumanTask, list[User]]:
    """The task and the colleagues it may be reassigned to."""
    task = _task_in_scope(actor, task_id)
    return task, task_ops.assignable_users(task.id)


def reassign_task(task_id, actor, assignee_id, reason="") -> HumanTask:
    """Reassign through the inbox's assign_task (which checks the head's department and audits)."""
    _task_in_scope(actor, task_id)
    return task_ops.assign_task(task_id, actor, assignee_id, reason=reason)


def listing_target(case_id, user) -> Case:
    """The case a head is about to list (in scope, else not found)."""
    require_supervisor(user)
    case = db.get(Case, case_id)
    if case is None or not is_in_scope(user, case.org_unit_id):
        raise NotFound("案件不存在或不在您的辖区内")
    return case


def listing_level_for(user) -> str:
    """Who decides a head's listing: their own bureau (province/city); a county proposes to its city."""
    return user.org_unit.level if user.org_unit.level in LISTING_LEVELS else "city"


def open_listed_supervision(case_id, actor, reason, due_date=None) -> int:
    """Start listed supervision of a case: a follow-up case of kind listed_supervision, audited on the parent.

    The head's listing is itself the proposal (ls_propose is not asked again): a county head's proposal
    goes to its city bureau's decision; a city or province head's listing is the decision, so the case
    starts at the rectification reports. Returns the new case's id."""
    case = listing_target(case_id, actor)
    level = listing_level_for(actor)
    if case.status != "open":
        raise InvalidInput("案件已办结或已撤销，不能挂牌督办")
    if case.kind == "listed_supervision":
        raise InvalidInput("该案件本身就是挂牌督办案件")
    if not reason.strip():
        raise InvalidInput("请填写挂牌督办理由")
    confirmed = actor.org_unit.level in LISTING_LEVELS
    # The facts ls_propose (and, when confirmed, ls_decide) would have written, so later steps read them.
    payload = {"reason": reason.strip(), "listing_level": level, "listing_reason": reason.strip(),
               "issue_summary": reason.strip(), "listed_by_unit": actor.org_unit.name,
               "listed_by_user_id": actor.id, "listing_stage": "confirmed" if confirmed else "proposed",
               "title": f"挂牌督办：{case.title}"[:200]}
    if due_date:
        payload.update(listing_due_date=due_date.isoformat(), rectification_deadline=due_date.isoformat())
    if confirmed:
        payload.update(listing_decision="list", listing_date=local_today().isoformat())
    new_id = open_follow_up_case(case.id, "listed_supervision", payload, actor.id)
    record_event("listed_supervision_opened", case_id=case.id, actor_id=actor.id, summary=case.number,
                 data={"listing_case_id": new_id, "level": level, "reason": reason.strip(),
                       "stage": payload["listing_stage"]})
    return new_id


@dataclass
class ListedRow:
    """One listed-supervision case with where it stands."""

    case: Case
    parent_number: str
    level_label: str
    reason: str
    listing_due: str
    open_tasks: list
    next_due_at: object
    is_overdue: bool
    is_delisted: bool


def listed_board(user, *, status="open", now=None) -> dict:
    """Cases of kind listed_supervision in the user's scope, with level, open tasks and deadlines."""
    require_supervisor(user)
    now = now or utcnow()
    stmt = (select(Case).options(selectinload(Case.org_unit)).where(Case.kind == "listed_supervision",
                               Case.org_unit_id.in_(unit_ids_in_scope(user.org_unit)))
            .order_by(Case.opened_at.desc(), Case.id.desc()))
    if status in ("open", "closed", "cancelled"):
        stmt = stmt.where(Case.status == status)
    cases = list(db.scalars(stmt.limit(500)))
    open_tasks = {}
    if cases:
        for t in db.scalars(select(HumanTask).where(HumanTask.case_id.in_([c.id for c in cases]),
                                                    HumanTask.status == "ready").order_by(HumanTask.due_at)):
            open_tasks.setdefault(t.case_id, []).append(t)
    rows = []
    reason_label = option_labeller("listing_reason")
    for c in cases:
        facts = c.facts or {}
        tasks_here = open_tasks.get(c.id, [])
        dues = [t.due_at for t in tasks_here if t.due_at is not None]
        rows.append(ListedRow(
            case=c, parent_number=facts.get("parent_case_number", ""),
            level_label=LISTING_LEVELS.get(facts.get("listing_level"), "—"),
            reason=reason_label(facts.get("listing_reason")) or facts.get("reason", ""),
            # The board's own listing names a due date; a proposal made in the process names its deadline.
            listing_due=facts.get("listing_due_date") or facts.get("rectification_deadline", ""), open_tasks=tasks_here,
            next_due_at=min(dues) if dues else None, is_overdue=any(d < now for d in dues),
            is_delisted=bool(facts.get("delisted"))))
    return {"rows": rows, "status": status, "overdue": sum(r.is_overdue for r in rows)}
