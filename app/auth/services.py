"""Org-unit jurisdiction and user entitlements."""
from sqlalchemy import select

from app.auth.models import OrgUnit, User
from app.db import db


def get_org_unit(org_unit_id) -> OrgUnit | None:
    """The org unit by id."""
    return db.get(OrgUnit, org_unit_id)


def resolve_acting_unit(case_unit_id, level) -> int | None:
    """The bureau that acts for a case at `level`: the case's unit or its ancestor at that level.

    A task for a lower level than the case's own unit stays with the case's unit (a city-level
    case has no county to hand work down to).
    """
    unit = db.get(OrgUnit, case_unit_id) if case_unit_id else None
    if unit is None or not level or level == "case":
        return case_unit_id
    node = unit
    while node is not None:
        if node.level == level:
            return node.id
        node = node.parent
    return unit.id


def unit_ids_in_scope(org_unit: OrgUnit) -> list[int]:
    """Ids of the unit and everything below it."""
    stmt = select(OrgUnit.id).where(OrgUnit.path.startswith(org_unit.path))
    return list(db.scalars(stmt))


def scope_subquery(org_unit: OrgUnit):
    """The ids of the unit and everything below it, as a subquery for IN (no statement of its own)."""
    return select(OrgUnit.id).where(OrgUnit.path.startswith(org_unit.path)).scalar_subquery()


def is_in_scope(user: User, org_unit_id) -> bool:
    """True when the unit is the user's own or below it."""
    target = db.get(OrgUnit, org_unit_id) if org_unit_id else None
    return target is not None and target.path.startswith(user.org_unit.path)


def can_work_on(user: User, department_code, org_unit_id, assignee_id) -> bool:
    """True when the user may complete such a task: their bureau and department, or assigned."""
    if not user or not user.is_active:
        return False
    if assignee_id is not None:
        return assignee_id == user.id
    return org_unit_id == user.org_unit_id and department_code in user.department_codes


def user_display_name(user_id) -> str:
    """A user's display name ("" when unknown), for lists of notes, documents and tasks."""
    user = db.get(User, user_id) if user_id else None
    return user.display_name if user else ""


def find_user(username) -> User | None:
    """The user by login name."""
    return db.scalar(select(User).where(User.username == username))
