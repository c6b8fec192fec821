"""Figures for the home page."""
from datetime import timedelta

from sqlalchemy import func, or_, select

from app.auth.services import unit_ids_in_scope
from app.cases.models import Case
from app.db import db, utcnow
from app.engine.models import HumanTask


def home_summary(user) -> dict:
    """Open tasks for the user, for their department, overdue ones, and open cases in scope."""
    now = utcnow()
    mine = select(func.count()).select_from(HumanTask).where(HumanTask.status == "ready",
                                                               HumanTask.assignee_id == user.id)
    dept = select(func.count()).select_from(HumanTask).where(
        HumanTask.status == "ready", HumanTask.assignee_id.is_(None),
        HumanTask.org_unit_id == user.org_unit_id, HumanTask.department_code.in_(user.department_codes or {""}))
    overdue = select(func.count()).select_from(HumanTask).where(
        HumanTask.status == "ready", HumanTask.due_at < now,
        or_(HumanTask.assignee_id == user.id,
            (HumanTask.org_unit_id == user.org_unit_id)
            & HumanTask.department_code.in_(user.department_codes or {""})))
    due_soon = select(func.count()).select_from(HumanTask).where(
        HumanTask.status == "ready", HumanTask.due_at >= now, HumanTask.due_at < now + timedelta(days=3),
        HumanTask.org_unit_id == user.org_unit_id, HumanTask.department_code.in_(user.department_codes or {""}))
    cases = select(func.count()).select_from(Case).where(Case.status == "open",
                                                          Case.org_unit_id.in_(unit_ids_in_scope(user.org_unit)))
    return {"my_tasks": db.scalar(mine), "department_tasks": db.scalar(dept), "overdue": db.scalar(overdue),
            "due_soon": db.scalar(due_soon), "open_cases": db.scalar(cases)}
