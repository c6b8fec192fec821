"""Task page services: who may see and do what, drafts, and completing a task with its form."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record_event
from app.auth.models import Department, OrgUnit
from app.auth.services import can_work_on, is_in_scope
from app.auth.services import user_display_name as user_name
from app.db import db, utcnow
from app.engine.models import HumanTask

# The same rule the hand-over operations enforce, so buttons never offer what would be refused.
from app.engine.tasks import is_head_over
from app.errors import Conflict, Forbidden, NotFound
from app.inbox.models import TaskDraft


@dataclass
class Permissions:
    """What the current user may do with one task (drives the buttons on the page)."""

    complete: bool = False
    claim: bool = False
    release: bool = False
    assign: bool = False
    delegate: bool = False


@dataclass
class TaskView:
    """Everything the task page shows besides the form itself."""

    case: object
    case_facts: dict
    draft: TaskDraft | None
    saved_by: str
    perms: Permissions
    department: str
    unit_name: str
    colleagues: list
    attachment_choices: list
    submitted: dict
    completed_by: str


@dataclass
class NextTask:
    """A task the completion created, as the flash message names it."""

    title: str
    department: str
    org_unit: str
    id: int = 0


@dataclass
class SubmitOutcome:
    """Result of a submission: errors (nothing done) or the engine's result and the next tasks."""

    errors: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    status: str = ""
    engine_error: str = ""
    next_tasks: list[NextTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the task was completed."""
        return not self.errors


def can_view(user, task) -> bool:
    """A task is visible inside the user's jurisdiction, or when it is (was) the user's own."""
    return (task.assignee_id == user.id or task.completed_by_id == user.id
            or is_in_scope(user, task.org_unit_id))


def get_visible_task(task_id, user) -> HumanTask:
    """The task if the user may see it; NotFound / Forbidden otherwise."""
    task = db.get(HumanTask, task_id)
    if task is None:
        raise NotFound(_("任务不存在"))
    if not can_view(user, task):
        raise Forbidden(_("该任务不在您的辖区范围内"))
    return task


def permissions(user, task) -> Permissions:
    """The actions open to the user on this task now."""
    if task.status != "ready":
        return Permissions()
    candidate = task.org_unit_id == user.org_unit_id and task.department_code in user.department_codes
    head = is_head_over(user, task)
    return Permissions(
        complete=can_work_on(user, task.department_code, task.org_unit_id, task.assignee_id),
        claim=candidate and task.assignee_id is None,
        release=task.assignee_id is not None and (task.assignee_id == user.id or head),
        assign=head,
        delegate=task.assignee_id is not None and (task.assignee_id == user.id or head),
    )


def _require_worker(user, task):
    if task.status != "ready":
        raise Conflict(_("任务已办结或已取消"))
    if not can_work_on(user, task.department_code, task.org_unit_id, task.assignee_id):
        raise Forbidden(_("您无权办理该任务，请先签收"))


def task_view(task, user) -> TaskView:
    """The case, draft, permissions, bureau/department names and hand-over choices of a task."""
    from app.auth.services import get_org_unit
    from app.cases.attachments import list_attachments
    from app.cases.models import Case
    from app.engine.tasks import assignable_users

    case = db.get(Case, task.case_id) if task.case_id else None
    draft = get_draft(task.id)
    unit = get_org_unit(task.org_unit_id) if task.org_unit_id else None
    colleagues = [u for u in assignable_users(task.id) if u.id != task.assignee_id] if task.status == "ready" else []
    choices = [(a.id, a.filename) for a in list_attachments(case.id)] if case else []
    return TaskView(submitted=submitted_data(task), completed_by=user_name(task.completed_by_id),
                    case=case, case_facts=(case.facts or {}) if case else {}, draft=draft,
                    saved_by=user_name(draft.saved_by_id) if draft else "", perms=permissions(user, task),
                    department=department_name(task.department_code), unit_name=unit.name if unit else "",
                    colleagues=colleagues, attachment_choices=choices)


def submitted_data(task) -> dict:
    """The form data a completed task was submitted with (kept in the audit trail)."""
    from app.audit.services import list_instance_events

    if task.status != "completed":
        return {}
    for event in reversed(list_instance_events(task.instance_id)):
        if event.event_type == "task_completed" and event.human_task_id == task.id:
            return (event.data or {}).get("data") or {}
    return {}


def get_draft(task_id) -> TaskDraft | None:
    """The saved draft of a task, if any."""
    return db.scalar(select(TaskDraft).where(TaskDraft.human_task_id == task_id))


def save_draft(task_id, user, form_def, form_data) -> tuple[dict, dict]:
    """Keep the raw input of an open task (format problems are reported, not blocking); (values, problems)."""
    from app.formdefs.schema import unflatten_form, validate_submission

    task = get_visible_task(task_id, user)
    _require_worker(user, task)
    values = unflatten_form(form_data, form_def)
    _clean, problems = validate_submission(form_def, values, draft=True)
    draft = get_draft(task.id)
    now = utcnow()
    if draft is None:
        draft = TaskDraft(human_task_id=task.id, data=values, saved_by_id=user.id, saved_at=now)
        db.add(draft)
    else:
        draft.data, draft.saved_by_id, draft.saved_at = values, user.id, now
    db.flush()
    record_event("task_draft_saved", case_id=task.case_id, instance_id=task.instance_id, human_task_id=task.id,
                 actor_id=user.id, summary=task.title, at=now)
    return values, problems


def discard_draft(task_id, user) -> None:
    """Throw away the saved draft of an open task."""
    task = get_visible_task(task_id, user)
    _require_worker(user, task)
    draft = get_draft(task.id)
    if draft is not None:
        db.delete(draft)
        db.flush()
        record_event("task_draft_discarded", case_id=task.case_id, instance_id=task.instance_id,
                     human_task_id=task.id, actor_id=user.id, summary=task.title)


def submit_task(task_id, user, form_def, form_data) -> SubmitOutcome:
    """Validate the form and complete the task through the engine (which checks the user's right once,
    under the instance lock); nothing changes on errors."""
    from app.cases.sampling_checks import sampling_warnings
    from app.cases.step_checks import step_problems
    from app.engine.service import complete_task
    from app.formdefs.schema import unflatten_form, validate_submission

    task = get_visible_task(task_id, user)
    if task.status != "ready":
        raise Conflict(_("任务已办结或已取消"))
    values = unflatten_form(form_data, form_def)
    clean, errors = validate_submission(form_def, values)
    # Every problem at once: the fields' own checks, then what must agree with the case's earlier steps.
    for name, messages in [*_foreign_attachments(form_def, clean, task.case_id).items(),
                           *step_problems(task.case_id, form_def.key, clean, skip=errors).items()]:
        errors.setdefault(name, []).extend(messages)
    if errors:
        return SubmitOutcome(errors=errors, values=values)
    warnings = sampling_warnings(task.case_id, form_def.key, clean)
    try:
        result = complete_task(task.id, user, clean)
    except Conflict as exc:
        # E.g. the instance was suspended meanwhile: the form comes back with what was typed.
        return SubmitOutcome(errors={"_form": [exc.message]}, values=values)
    draft = get_draft(task.id)
    if draft is not None:
        db.delete(draft)
        db.flush()
    if warnings:
        record_event("sampling_warning", case_id=task.case_id, instance_id=task.instance_id, human_task_id=task.id,
                     actor_id=user.id, summary="；".join(warnings)[:300], data={"warnings": warnings})
    return SubmitOutcome(values=clean, status=result.status, engine_error=result.error,
                         next_tasks=describe_tasks(result.new_task_ids), warnings=warnings)


def _foreign_attachments(form_def, clean, case_id) -> dict:
    # The form offers only this case's documents; an id of another case (perhaps of another
    # bureau) typed into the request must not end up in this case's record.
    from app.cases.attachments import ids_outside_case

    errors = {}
    for fd in form_def.fields:
        if fd.type == "attachments" and clean.get(fd.name) and (
                case_id is None or ids_outside_case(case_id, clean[fd.name])):
            errors[fd.name] = [_(_("所选附件不属于本案件"))]
    return errors


def describe_tasks(task_ids) -> list[NextTask]:
    """Title, department name and bureau name of the given tasks."""
    if not task_ids:
        return []
    stmt = (select(HumanTask.title, Department.name, OrgUnit.name, HumanTask.id)
            .outerjoin(Department, Department.code == HumanTask.department_code)
            .outerjoin(OrgUnit, OrgUnit.id == HumanTask.org_unit_id)
            .where(HumanTask.id.in_(task_ids)).order_by(HumanTask.id))
    return [NextTask(t, d or "", u or "", i) for t, d, u, i in db.execute(stmt).all()]


def department_name(code) -> str:
    """The department's display name (the code when unknown)."""
    return db.scalar(select(Department.name).where(Department.code == code)) or code
