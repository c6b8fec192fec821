"""Read side of instance operations: filtered lists, incidents, one instance with its context.

Actions are the engine's own services (app.engine.service, migration, instance_ops).
"""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.audit.labels import event_label
from app.audit.services import list_instance_events
from app.auth.services import unit_ids_in_scope
from app.cases.models import Case
from app.db import db
from app.engine.instance_ops import resettable_tasks
from app.engine.models import HumanTask, ProcessDefinition, ProcessInstance
from app.errors import NotFound

PER_PAGE = 20
STATUS_LABELS = {"running": "运行中", "waiting": "等待中", "suspended": "已挂起", "error": "出错",
                 "completed": "已办结", "cancelled": "已撤销"}
STATUS_TAGS = {"running": "tag-blue", "waiting": "tag-blue", "suspended": "tag-amber", "error": "tag-red",
               "completed": "tag-green", "cancelled": ""}


@dataclass
class Page:
    """One page of a list, with what the pager needs."""

    items: list
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, -(-self.total // self.per_page))


def _scoped(stmt, user):
    # Admins see instances of cases in their jurisdiction, plus instances without a case.
    scope = unit_ids_in_scope(user.org_unit)
    return stmt.where(or_(ProcessInstance.case_id.is_(None), Case.org_unit_id.in_(scope)))


def _base_query():
    return (select(ProcessInstance, ProcessDefinition, Case)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .outerjoin(Case, Case.id == ProcessInstance.case_id))


def list_instances(user, filters) -> Page:
    """Instances in the admin's jurisdiction matching the filters, newest first."""
    stmt = _scoped(_base_query(), user)
    if filters.get("key"):
        stmt = stmt.where(ProcessDefinition.key == filters["key"])
    if filters.get("version"):
        stmt = stmt.where(ProcessDefinition.version == filters["version"])
    if filters.get("status"):
        stmt = stmt.where(ProcessInstance.status == filters["status"])
    if filters.get("has_error"):
        stmt = stmt.where(ProcessInstance.status == "error")
    if filters.get("case"):
        stmt = stmt.where(Case.number.contains(filters["case"], autoescape=True))
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    page = filters.get("page") or 1
    rows = db.execute(stmt.order_by(ProcessInstance.id.desc())
                      .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return Page([_row(i, d, c) for i, d, c in rows], total, page)


def list_incidents(user) -> list[dict]:
    """Instances in error, most recent failure first."""
    stmt = _scoped(_base_query(), user).where(ProcessInstance.status == "error")
    rows = db.execute(stmt.order_by(ProcessInstance.error_at.desc(), ProcessInstance.id.desc()).limit(500)).all()
    return [_row(i, d, c) for i, d, c in rows]


def _row(inst, definition, case) -> dict:
    element = definition.meta.get("elements", {}).get(inst.error_element, {}) if inst.error_element else {}
    return {"instance": inst, "definition": definition, "case": case,
            "status_label": STATUS_LABELS.get(inst.status, inst.status),
            "status_tag": STATUS_TAGS.get(inst.status, ""),
            "error_element_name": element.get("name", inst.error_element)}


def process_keys() -> list[str]:
    """Every deployed process key (for the filter)."""
    return list(db.scalars(select(ProcessDefinition.key).distinct().order_by(ProcessDefinition.key)))


def get_instance_for(user, instance_id) -> ProcessInstance:
    """The instance if it exists and lies in the admin's jurisdiction; NotFound otherwise."""
    stmt = _scoped(_base_query(), user).where(ProcessInstance.id == instance_id)
    row = db.execute(stmt).first()
    if row is None:
        # Out-of-scope instances are reported as missing: their existence is not disclosed.
        raise NotFound("流程实例不存在", instance_id=instance_id)
    return row[0]


def instance_detail(user, instance_id) -> dict:
    """Everything the detail page shows: state, error, open tasks, history, possible moves."""
    inst = get_instance_for(user, instance_id)
    definition = inst.definition
    row = _row(inst, definition, db.get(Case, inst.case_id) if inst.case_id else None)
    open_tasks = list(db.scalars(select(HumanTask).where(HumanTask.instance_id == inst.id,
                                                         HumanTask.status == "ready").order_by(HumanTask.id)))
    versions = [v for v in versions_of(definition.key) if v.id != definition.id]
    events = [{"event": e, "label": event_label(e.event_type)}
              for e in list_instance_events(inst.id)]
    row.update(open_tasks=open_tasks, versions=versions, events=events,
               reset_targets=resettable_tasks(inst.id))
    return row


def versions_of(key) -> list[ProcessDefinition]:
    """Every deployed version of a process, newest first."""
    stmt = select(ProcessDefinition).where(ProcessDefinition.key == key).order_by(ProcessDefinition.version.desc())
    return list(db.scalars(stmt))


@dataclass
class BulkOutcome:
    """Per instance: migrated, or refused with the reason."""

    instance_id: int
    is_migrated: bool
    message: str = ""


def migrate_instances(user, instance_ids, target_definition_id, reason) -> list[BulkOutcome]:
    """Migrate several instances; each safe one moves, each unsafe one stays and says why."""
    from app.engine.migration import migrate_instance
    from app.errors import AppError

    outcomes = []
    for instance_id in instance_ids:
        try:
            # One savepoint per instance: a refusal undoes only that instance's partial work.
            with db.begin_nested():
                get_instance_for(user, instance_id)
                migrate_instance(instance_id, target_definition_id, user.id, reason)
            outcomes.append(BulkOutcome(instance_id, True))
        except AppError as exc:
            outcomes.append(BulkOutcome(instance_id, False, exc.message))
    return outcomes
