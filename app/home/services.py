"""Figures for the home page: the same queries as the inbox tabs and the case list they link to."""
from sqlalchemy import func, select

from app.auth.services import unit_ids_in_scope
from app.cases.models import Case
from app.db import db
from app.inbox.queries import InboxFilters, count_tasks


def home_summary(user) -> dict:
    """My and my department's open tasks (with overdue and due-soon counts), and open cases in scope."""
    cases = select(func.count()).select_from(Case).where(Case.status == "open",
                                                          Case.org_unit_id.in_(unit_ids_in_scope(user.org_unit)))
    return {"my_tasks": count_tasks(user, "mine", InboxFilters()),
            "overdue": count_tasks(user, "mine", InboxFilters(due="overdue")),
            "due_soon": count_tasks(user, "mine", InboxFilters(due="due_soon")),
            "department_tasks": count_tasks(user, "department", InboxFilters()),
            "department_overdue": count_tasks(user, "department", InboxFilters(due="overdue")),
            "open_cases": db.scalar(cases)}
