"""Inbox queries over human_task + case + enterprise, scoped to the user's bureau (never workflow state)."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import and_, false, func, or_, select, text, true

from app.auth.models import OrgUnit, User
from app.auth.services import scope_subquery
from app.cases.models import Case, Enterprise
from app.db import db, utcnow
from app.engine.models import HumanTask

TABS = ("mine", "department", "done")
SORTS = ("due", "created_desc", "created", "completed_desc")
DEFAULT_SORT = {"mine": "due", "department": "due", "done": "completed_desc"}
PER_PAGE = 20
SOON_WORKING_DAYS = 3


@dataclass
class InboxFilters:
    """What the user narrowed the list to; empty values mean no filter."""

    due: str = ""  # "" | overdue | due_soon
    kind: str = ""
    category: str = ""
    enterprise: str = ""  # USCC or part of the name
    region: str = ""  # org unit code: the case's bureau or one below it
    sort: str = ""
    page: int = 1
    claimed: bool = False  # department tab, heads only: also tasks a colleague has claimed


@dataclass
class InboxRow:
    """One list line: the task with its case and enterprise (any of them may be missing)."""

    task: HumanTask
    case: Case | None
    enterprise: Enterprise | None
    assignee_name: str = ""


@dataclass
class InboxPage:
    """A page of rows plus what the pager needs."""

    rows: list[InboxRow]
    total: int
    page: int
    per_page: int = PER_PAGE
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, -(-self.total // self.per_page))


def due_soon_cutoff(now=None) -> datetime:
    """End (Beijing time) of the 3rd working day after today: tasks due before it are "due soon"."""
    from app.calendar.helpers import add_working_days
    from app.clock import LOCAL_TZ, local_today

    day = datetime.fromisoformat(add_working_days(local_today().isoformat(), SOON_WORKING_DAYS)).date()
    return datetime.combine(day, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)


def _department_codes(user):
    # An empty IN () is not portable; a user without departments simply matches nothing.
    return sorted(user.department_codes) or [""]


def tab_condition(user, tab, include_claimed=False):
    """The WHERE clause that defines one tab for this user (heads may include claimed department tasks).

    It keeps to the user's scope by itself: "mine" and "done" are the user's own work, the department tab
    lists the user's bureau (heads: and below), so no extra scope OR is needed (it defeated the indexes).
    """
    if tab == "mine":
        return and_(HumanTask.status == "ready", HumanTask.assignee_id == user.id)
    if tab == "done":
        return and_(HumanTask.status == "completed", HumanTask.completed_by_id == user.id)
    if tab == "department":
        head = user.has_role("supervisor")
        # The scope as a subquery: one statement per page instead of one per use.
        units = scope_subquery(user.org_unit) if head else [user.org_unit_id]
        holder = true() if include_claimed and head else HumanTask.assignee_id.is_(None)
        return and_(HumanTask.status == "ready", holder,
                    HumanTask.department_code.in_(_department_codes(user)), HumanTask.org_unit_id.in_(units))
    raise ValueError(f"unknown tab {tab!r}")


def _apply_filters(stmt, filters: InboxFilters, now):
    if filters.due == "overdue":
        stmt = stmt.where(HumanTask.due_at.is_not(None), HumanTask.due_at < now)
    elif filters.due == "due_soon":
        stmt = stmt.where(HumanTask.due_at >= now, HumanTask.due_at <= due_soon_cutoff(now))
    if filters.kind:
        stmt = stmt.where(Case.kind == filters.kind)
    if filters.category:
        stmt = stmt.where(Case.product_category == filters.category)
    if filters.enterprise:
        text = filters.enterprise.strip()
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(or_(Enterprise.uscc == text.upper(),
                              Enterprise.name.like(f"%{escaped}%", escape="\\")))
    if filters.region:
        region = db.scalar(select(OrgUnit).where(OrgUnit.code == filters.region))
        if region is None:
            return stmt.where(false())
        stmt = stmt.where(Case.org_unit_id.in_(select(OrgUnit.id).where(OrgUnit.path.startswith(region.path))))
    return stmt


def _order(stmt, sort):
    if sort == "created":
        return stmt.order_by(HumanTask.created_at, HumanTask.id)
    if sort == "created_desc":
        return stmt.order_by(HumanTask.created_at.desc(), HumanTask.id.desc())
    if sort == "completed_desc":
        return stmt.order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
    # Earliest deadline first; tasks without a deadline last.
    return stmt.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id)


def _matching_ids(user, tab, filters: InboxFilters, now):
    # Case and enterprise only for the filters: PostgreSQL drops the outer joins when nothing reads them.
    stmt = (select(HumanTask.id).outerjoin(Case, Case.id == HumanTask.case_id)
            .outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
            .where(tab_condition(user, tab, filters.claimed)))
    return _apply_filters(stmt, filters, now)


def list_tasks(user, tab, filters: InboxFilters) -> InboxPage:
    """One page of a tab for the user, filtered and sorted."""
    now = utcnow()
    matching = _matching_ids(user, tab, filters, now)
    total = db.scalar(select(func.count()).select_from(matching.subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, filters.page), pages)
    sort = filters.sort or DEFAULT_SORT[tab]
    # The page's ids are chosen on the narrow task rows first; only those 20 are joined to their case,
    # enterprise and holder (joining a head's thousands of rows before sorting cost 90 ms at scale).
    page_ids = _order(matching, sort).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    stmt = _order(select(HumanTask, Case, Enterprise, User.display_name)
                  .outerjoin(Case, Case.id == HumanTask.case_id)
                  .outerjoin(Enterprise, Enterprise.id == Case.enterprise_id)
                  .outerjoin(User, User.id == HumanTask.assignee_id)
                  .where(HumanTask.id.in_(page_ids)), sort)
    rows = [InboxRow(t, c, e, name or "") for t, c, e, name in db.execute(stmt).all()]
    return InboxPage(rows=rows, total=total, page=page)


def tab_counts(user) -> dict:
    """Unfiltered number of rows on each tab."""
    counts = {}
    for tab in TABS:
        stmt = select(func.count()).select_from(HumanTask).where(tab_condition(user, tab))
        counts[tab] = db.scalar(stmt)
    return counts


def count_tasks(user, tab, filters: InboxFilters) -> int:
    """How many rows a tab shows with these filters (the same query as the list)."""
    return db.scalar(select(func.count()).select_from(_matching_ids(user, tab, filters, utcnow()).subquery())) or 0


def count_my_open_tasks(user) -> int:
    """Open tasks assigned to the user (the navigation badge)."""
    stmt = select(func.count()).select_from(HumanTask).where(tab_condition(user, "mine"))
    return db.scalar(stmt) or 0


# The categories used in a scope, one index probe each (a skip scan over ix_case_category_unit) instead
# of a DISTINCT over every case of a province. Org-unit paths are digits and slashes: no LIKE escaping.
_CATEGORIES_IN_SCOPE = """
WITH RECURSIVE cats(code) AS (
  SELECT (SELECT c.product_category FROM "case" c JOIN org_unit u ON u.id = c.org_unit_id
          WHERE c.product_category > '' AND u.path LIKE :prefix ORDER BY c.product_category LIMIT 1)
  UNION ALL
  SELECT (SELECT c.product_category FROM "case" c JOIN org_unit u ON u.id = c.org_unit_id
          WHERE c.product_category > cats.code AND u.path LIKE :prefix ORDER BY c.product_category LIMIT 1)
  FROM cats WHERE cats.code IS NOT NULL
)
SELECT code FROM cats WHERE code IS NOT NULL ORDER BY code
"""


def filter_choices(user) -> dict:
    """Options for the filter bar: case kinds, product categories and regions in the user's scope."""
    from app.cases.services import KIND_LABELS

    categories = db.scalars(text(_CATEGORIES_IN_SCOPE), {"prefix": user.org_unit.path + "%"})
    regions = db.scalars(select(OrgUnit).where(OrgUnit.path.startswith(user.org_unit.path)).order_by(OrgUnit.path))
    return {"kinds": list(KIND_LABELS.items()), "categories": list(categories),
            "regions": [(u.code, u.name) for u in regions]}
