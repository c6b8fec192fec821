"""Read side of the case pages: scoped search, open deadlines, related cases, readable facts."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, exists, false, func, literal_column, or_, select, union
from sqlalchemy import case as sql_case
from sqlalchemy.orm import defer, selectinload

from app.audit.labels import event_label
from app.auth.models import OrgUnit, User
from app.auth.services import is_in_scope, scope_subquery
from app.calendar.workdays import get_calendar
from app.cases.fact_labels import TECHNICAL_FACTS, fact_label
from app.cases.models import Case, Enterprise
from app.clock import LOCAL_TZ, local_today
from app.db import db, is_postgres, utcnow
from app.engine.models import HumanTask
from app.errors import NotFound

SORT_COLUMNS = {"opened_at": Case.opened_at, "number": Case.number, "kind": Case.kind,
                "status": Case.status, "title": Case.title}
EXPORT_LIMIT = 10000
# Every list row shows its enterprise and bureau: load them with the page, not one query per row.
_LIST_LOADS = (selectinload(Case.enterprise), selectinload(Case.org_unit))


@dataclass
class CasePage:
    """One page of search results."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _china_midnight_utc(day):
    return datetime.combine(day, time.min, LOCAL_TZ)


def _overdue_clause(now):
    return exists().where(HumanTask.case_id == Case.id, HumanTask.status == "ready", HumanTask.due_at < now)


def _text_matches(text):
    """Ids of cases whose number, title, product or enterprise contains `text` (or whose USCC it is).

    One SELECT per column, UNIONed: each can use its own (trigram, on PostgreSQL) index, where an OR
    across the case and enterprise tables forced a scan of every case.
    """
    # autoescape: a typed % or _ is searched for literally, not as a wildcard.
    own = [select(Case.id).where(col.icontains(text, autoescape=True))
           for col in (Case.number, Case.title, Case.product_name)]
    firms = select(Enterprise.id).where(or_(Enterprise.name.icontains(text, autoescape=True),
                                            Enterprise.uscc == text.upper()))
    return union(*own, select(Case.id).where(Case.enterprise_id.in_(firms)))


def filtered_cases(user, filters):
    """The SELECT of cases in the user's scope matching the list filters (no paging)."""
    # The scope as a list of bureau ids: a province head's count then reads the case index on org_unit_id
    # alone instead of hashing 100,000 case rows against the bureau table.
    stmt = (select(Case).outerjoin(Enterprise, Case.enterprise_id == Enterprise.id)
            .where(Case.org_unit_id.in_(scope_subquery(user.org_unit))))
    if filters.get("org"):
        unit = db.scalar(select(OrgUnit).where(OrgUnit.code == filters["org"]))
        # A unit outside the user's scope (or unknown) narrows to nothing rather than widening it.
        stmt = stmt.where(Case.org_unit_id.in_(scope_subquery(unit))) if unit else stmt.where(false())
    if filters.get("q"):
        stmt = stmt.where(Case.id.in_(_text_matches(filters["q"].strip())))
    for key in ("kind", "status"):
        if filters.get(key):
            stmt = stmt.where(getattr(Case, key) == filters[key])
    if filters.get("category"):
        stmt = stmt.where(Case.product_category == filters["category"])
    if filters.get("is_key"):
        stmt = stmt.where(Case.is_key_product.is_(True))
    if filters.get("overdue"):
        stmt = stmt.where(_overdue_clause(utcnow()))
    if filters.get("opened_from"):
        stmt = stmt.where(Case.opened_at >= _china_midnight_utc(filters["opened_from"]))
    if filters.get("opened_to"):
        stmt = stmt.where(Case.opened_at < _china_midnight_utc(filters["opened_to"] + timedelta(days=1)))
    if filters.get("enterprise"):
        text = filters["enterprise"].strip()
        stmt = stmt.where(or_(Enterprise.uscc == text.upper(), Enterprise.name.icontains(text, autoescape=True)))
    column = SORT_COLUMNS[filters.get("sort") or "opened_at"]
    order = column.asc() if filters.get("dir") == "asc" else column.desc()
    return stmt.order_by(order, Case.id.desc())


def search_cases(user, filters) -> CasePage:
    """One page of the cases in the user's scope, with open-task figures per case."""
    stmt = filtered_cases(user, filters)
    # Counting needs the ids only (no case columns, no facts).
    total = db.scalar(select(func.count()).select_from(
        stmt.with_only_columns(Case.id, maintain_column_froms=True).order_by(None).subquery()))
    page, per_page = filters.get("page", 1), filters.get("per_page", 20)
    cases = list(db.scalars(stmt.options(*_LIST_LOADS).offset((page - 1) * per_page).limit(per_page)))
    return CasePage(items=_with_task_figures(cases), total=total, page=page, per_page=per_page)


def export_rows(user, filters) -> list:
    """Every case matching the filters (capped), with task figures, for XLSX/CSV export."""
    # The export never shows facts: leave the JSON of up to 10,000 cases unread.
    stmt = filtered_cases(user, filters).options(*_LIST_LOADS, defer(Case.facts)).limit(EXPORT_LIMIT)
    return _with_task_figures(list(db.scalars(stmt)))


def _with_task_figures(cases):
    if not cases:
        return []
    now = utcnow()
    late = sql_case((and_(HumanTask.due_at.is_not(None), HumanTask.due_at < now), 1), else_=0)
    stmt = (select(HumanTask.case_id, func.count(HumanTask.id), func.min(HumanTask.due_at), func.sum(late))
            .where(HumanTask.case_id.in_([c.id for c in cases]), HumanTask.status == "ready")
            .group_by(HumanTask.case_id))
    figures = {row[0]: row[1:] for row in db.execute(stmt)}
    out = []
    for case in cases:
        open_count, next_due, overdue = figures.get(case.id, (0, None, 0))
        out.append({"case": case, "open_tasks": open_count, "next_due_at": next_due,
                    "overdue_tasks": int(overdue or 0)})
    return out


def get_case_for(user, case_id) -> Case:
    """The case if it lies in the user's scope; NotFound otherwise (no hint that it exists)."""
    case = db.get(Case, case_id)
    if case is None or not is_in_scope(user, case.org_unit_id):
        raise NotFound("案件不存在或不在您的辖区内")
    return case


def open_deadlines(case_id) -> list[dict]:
    """The case's ready tasks with due dates, remaining working days and an overdue mark."""
    now = utcnow()
    today = local_today()
    cal = get_calendar()
    tasks = db.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready")
                       .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id))
    out = []
    for t in tasks:
        remaining = None
        if t.due_at is not None:
            due_day = t.due_at.astimezone(LOCAL_TZ).date()
            remaining = cal.working_days_between(today, due_day)
        assignee = db.get(User, t.assignee_id) if t.assignee_id else None
        out.append({"task": t, "unit": db.get(OrgUnit, t.org_unit_id) if t.org_unit_id else None,
                    "assignee": assignee, "remaining_wd": remaining,
                    "is_overdue": t.due_at is not None and t.due_at < now,
                    "is_paused": t.clock_paused_at is not None})
    return out


def fact_deadlines(case, locale=None) -> list[dict]:
    """Dates in the case's facts named *_due / *_deadline, with working days left (campaign dates etc.)."""
    from datetime import date

    fields = _form_fields(case.id)
    today = local_today()
    cal = get_calendar()
    out = []
    for key, value in (case.facts or {}).items():
        if not key.endswith(("_due", "_deadline")) or not isinstance(value, str):
            continue
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            continue
        fd = fields.get(key)
        label = fd.label_for(locale) if fd else fact_label(key)
        out.append({"label": label, "date": day, "remaining_wd": cal.working_days_between(today, day),
                    "is_overdue": case.status == "open" and day < today})
    return sorted(out, key=lambda d: d["date"])


def related_cases(user, case) -> dict:
    """The parent case (facts.parent_case_number) and follow-ups, limited to the user's scope."""
    parent = None
    parent_no = (case.facts or {}).get("parent_case_number")
    if parent_no:
        parent = db.scalar(select(Case).where(Case.number == parent_no))
        if parent is not None and not is_in_scope(user, parent.org_unit_id):
            parent = None
    children = [c for c in _follow_ups(case) if is_in_scope(user, c.org_unit_id)]
    return {"parent": parent, "children": children}


def _follow_ups(case):
    # facts is JSON (jsonb on PostgreSQL): compare the extracted text so both dialects use SQL. On
    # PostgreSQL the key is written literally so that the expression index ix_case_parent_number matches
    # (with the key as a bound parameter the planner scans every case).
    parent_no = (literal_column("\"case\".facts ->> 'parent_case_number'") if is_postgres()
                 else Case.facts["parent_case_number"].as_string())
    stmt = (select(Case).where(parent_no == case.number)
            .order_by(Case.opened_at, Case.id))
    return list(db.scalars(stmt))


# Facts that the page shows in their own sections (identity, enterprise, product, relations).
HIDDEN_FACTS = frozenset({"case_id", "case_number", "case_kind", "org_level", "product_category", "product_name",
                          "is_key_product", "enterprise_uscc", "enterprise_name", "parent_case_number", "title"})


def timeline(case_id) -> list[dict]:
    """The audit trail as readable rows: time, label, who, what."""
    from app.audit.services import list_case_events

    events = list_case_events(case_id)
    handed = ("task_assigned", "task_delegated")
    # Every actor and hand-over target of the trail in one statement, not one per event.
    ids = {ev.actor_id for ev in events if ev.actor_id} | {
        (ev.data or {}).get("to_user_id") for ev in events if ev.event_type in handed}
    ids.discard(None)
    names = dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    out = []
    for ev in events:
        summary = ev.summary
        target_id = (ev.data or {}).get("to_user_id")
        if target_id and ev.event_type in handed and target_id in names:
            summary = f"{summary} → {names[target_id]}"
        if ev.event_type == "follow_up_started":
            # The summary is the process key (listed_supervision): name the kind and the new case instead.
            summary = _follow_up_summary(summary, ev.data or {})
        out.append({"at": ev.created_at, "type": ev.event_type, "task_id": ev.human_task_id,
                    "label": event_label(ev.event_type),
                    "actor": names.get(ev.actor_id, ""), "summary": summary,
                    "is_problem": ev.event_type in ("instance_error", "due_rule_failed")})
    return out


def _follow_up_summary(kind, data) -> str:
    from app.cases.services import KIND_LABELS

    label = _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind
    child = db.get(Case, data["follow_up_case_id"]) if data.get("follow_up_case_id") else None
    return f"{label} {child.number}" if child is not None else label


def _form_fields(case_id=None):
    """Form fields by name, so facts get the label their form gave them.

    The forms of the case's own tasks come first: two forms may use one field name differently.
    """
    from app.formdefs.registry import get_registry

    registry = get_registry()
    keys = registry.keys()
    if case_id is not None:
        own = set(db.scalars(select(HumanTask.form_key).where(HumanTask.case_id == case_id)))
        keys = sorted(k for k in keys if k in own) + [k for k in keys if k not in own]
    found = {}
    for key in keys:
        try:
            form = registry.get(key)
        except Exception:  # one malformed form file must not take the case page down
            continue
        for fd in form.fields:
            found.setdefault(fd.name, fd)
    return found


def _cell(value, fd=None, locale=None):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None or value == "":
        return "—"
    if fd is not None and fd.options:
        if isinstance(value, list):
            return "、".join(fd.option_label(v, locale) for v in value)
        return fd.option_label(value, locale)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def readable_facts(case, locale=None) -> list[dict]:
    """The case's facts as rows: {label, value} or {label, columns, rows} for table-valued facts."""
    fields = _form_fields(case.id)
    out = []
    for key, value in (case.facts or {}).items():
        if key in HIDDEN_FACTS or key in TECHNICAL_FACTS or key.startswith("_"):
            continue
        fd = fields.get(key)
        label = fd.label_for(locale) if fd else fact_label(key)
        if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            names = list(dict.fromkeys(k for r in value for k in r))
            cols = {c.name: c for c in (fd.columns if fd else [])}
            columns = [cols[n].label_for(locale) if n in cols else fact_label(n) for n in names]
            rows = [[_cell(r.get(n), cols.get(n), locale) for n in names] for r in value]
            out.append({"key": key, "label": label, "columns": columns, "rows": rows})
        elif isinstance(value, dict):
            out.append({"key": key, "label": label,
                        "value": "；".join(f"{k}：{_cell(v)}" for k, v in value.items())})
        else:
            out.append({"key": key, "label": label, "value": _cell(value, fd, locale)})
    # Scalars first, tables after, so the summary stays compact.
    return sorted(out, key=lambda f: "rows" in f)


def units_in_scope(user) -> list:
    """The org units a user may filter by: their own and those below it, in tree order."""
    return list(db.scalars(select(OrgUnit).where(OrgUnit.path.startswith(user.org_unit.path))
                           .order_by(OrgUnit.path)))


def case_page(user, case_id, locale=None) -> dict:
    """Everything the case page shows, for a case in the user's scope."""
    from app.cases.attachments import list_attachments, list_notes

    case = get_case_for(user, case_id)
    return {"case": case, "facts": readable_facts(case, locale), "deadlines": open_deadlines(case.id),
            "fact_deadlines": fact_deadlines(case, locale),
            "events": timeline(case.id), "attachments": list_attachments(case.id), "notes": list_notes(case.id),
            "related": related_cases(user, case), "now": utcnow()}
