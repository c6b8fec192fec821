"""The read a task completion starts with, in one statement: the instance (locked on PostgreSQL), its open
inbox rows, its stored state's text, whether its case holds undelivered messages, its definition, the
companions the domains ask for (the case and its bureau with the bureau's parents) and their flags (does
the task have unread notices).

It runs on every completion, so it is a Core statement (SQLAlchemy keeps its compiled form and result
layout) whose rows become session objects directly. The ORM's own loading set up a loader for each of the
seven entities on every execution, which cost more than the statement (about a tenth of a completion on
SQLite). The objects enter the session as if loaded: values converted by their column types, clean, in the
identity map, related to each other; an object already there is refreshed, as `populate_existing` would.
Columns not read are left expired: the first access loads them, as with a deferred column. They are made
with the state calls the ORM's loading and `make_transient_to_detached` use, not that function and add().
"""
from dataclasses import dataclass, field

from sqlalchemy import Text, bindparam, cast, exists, inspect, select
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from app.db import db, is_postgres
from app.engine.hooks import HOOKS
from app.engine.models import HumanTask, PendingMessage, ProcessDefinition, ProcessInstance
from app.engine.rowwrite import attach_as_loaded
from app.errors import NotFound

# What a step reads of its definition: identity, version, name and dialect (its metadata and spec come
# from caches keyed by id and content hash).
DEFINITION_COLUMNS = ("id", "key", "version", "name", "sha256", "dialect")


@dataclass(frozen=True)
class Companion:
    """An entity read with the lock: LEFT OUTER JOIN `source` (its table or an alias of it) ON `onclause`,
    without the `unread` column keys. `link` = (i, attribute) sets the i-th companion's relationship
    `attribute` to this object (i = -1: the instance's)."""

    entity: type
    source: object
    onclause: object
    unread: tuple = ()
    link: tuple | None = None


@dataclass
class LockedTask:
    """The instance, its open rows, the stored state's text, whether messages may wait for delivery, and the
    companions (held so the identity map keeps them for the receivers that look them up later)."""

    inst: ProcessInstance
    rows: list
    state_text: str
    may_have_messages: bool
    companions: list
    # The domains' flags (`lock_flags` hook), by name: False only where the lock's read proved the condition
    # false (SQLite; on PostgreSQL always True, for the reason `may_have_messages` is).
    flags: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Segment:
    mapper: object
    keys: tuple
    start: int
    pk_index: int
    unread: tuple  # the entity's column attributes not read: expired, so the first access loads them


@dataclass(frozen=True)
class _Plan:
    statement: object
    instance: _Segment
    task: _Segment
    definition: _Segment
    companions: tuple  # (_Segment, Companion)
    state_index: int
    stored_index: int
    flag_indexes: tuple = ()  # (name, column index)


_PLANS = {}


def lock_instance_of_task(human_task_id) -> LockedTask:
    """Lock the instance an inbox task belongs to and read what its completion needs; NotFound when no such
    task. The state comes as stored text (not parsed): a workflow kept in memory is reused when it matches."""
    session = db()
    if session.autoflush:
        session.flush()  # what this transaction added (a message stored for the case) must be seen
    connection = session.connection()
    postgres = is_postgres()
    plan = _plan(postgres)
    rows = connection.execute(plan.statement, {"task_id": human_task_id}).all()
    if not rows:
        raise NotFound("任务不存在", task_id=human_task_id)
    first = rows[0]
    inst = _take(session, plan.instance, first)
    definition = _take(session, plan.definition, first)
    set_committed_value(inst, "definition", definition)
    companions = []
    for segment, companion in plan.companions:
        obj = _take(session, segment, first)
        if companion.link is not None and obj is not None:
            index, attribute = companion.link
            owner = inst if index == -1 else companions[index]
            if owner is not None:
                set_committed_value(owner, attribute, obj)
        companions.append(obj)
    tasks = [task for task in (_take(session, plan.task, row) for row in rows) if task is not None]
    # On PostgreSQL a lock that waited still reads its subqueries as of its start: a message stored by the
    # transaction it waited for would be missed, so there the lookup after the step always runs. SQLite's
    # BEGIN IMMEDIATE takes the write lock before anything is read.
    may_have_messages = bool(first[plan.stored_index]) or postgres
    flags = {name: bool(first[index]) or postgres for name, index in plan.flag_indexes}
    return LockedTask(inst, tasks, first[plan.state_index], may_have_messages,
                      [obj for obj in companions if obj is not None], flags)


def _take(session, segment, row):
    """The session's object for this row segment: refreshed if already there, else made and added as loaded."""
    pk = row[segment.pk_index]
    if pk is None:  # an outer join found nothing
        return None
    values = zip(segment.keys, row[segment.start:segment.start + len(segment.keys)], strict=True)
    identity = segment.mapper.identity_key_from_primary_key((pk,))
    existing = session.identity_map.get(identity)
    if existing is not None:
        for key, value in values:
            set_committed_value(existing, key, value)
        return existing
    obj = segment.mapper.class_manager.new_instance()
    instance_state(obj).dict.update(values)
    attach_as_loaded(session, obj, identity, segment.unread)
    return obj


def _plan(for_update):
    # Built once per process (the hook is registered before the first request); building the statement
    # and its cache key cost as much as running it.
    plan = _PLANS.get(for_update)
    if plan is None:
        plan = _PLANS[for_update] = _build_plan(for_update)
    return plan


def _build_plan(for_update):
    instances, tasks = ProcessInstance.__table__, HumanTask.__table__
    definitions, messages = ProcessDefinition.__table__, PendingMessage.__table__
    columns = []

    def segment(entity, source, unread=()):
        mapper = inspect(entity)
        keys = tuple(prop.key for prop in mapper.column_attrs
                     if prop.key not in unread and prop.columns[0].table is mapper.local_table)
        start = len(columns)
        columns.extend(source.c[mapper.get_property(key).columns[0].key] for key in keys)
        unread_keys = tuple(prop.key for prop in mapper.column_attrs if prop.key not in keys)
        return _Segment(mapper, keys, start, start + keys.index("id"), unread_keys)

    instance = segment(ProcessInstance, instances, unread=("state",))
    task = segment(HumanTask, tasks)
    definition_mapper = inspect(ProcessDefinition)
    definition = segment(ProcessDefinition, definitions, unread=tuple(
        prop.key for prop in definition_mapper.column_attrs if prop.key not in DEFINITION_COLUMNS))
    state_index = len(columns)
    columns.append(cast(instances.c.state, Text))
    stored_index = len(columns)
    columns.append(exists().where(messages.c.case_id == instances.c.case_id, messages.c.delivered_at.is_(None)))
    flag_indexes = []
    task_id = bindparam("task_id")
    for name, condition in (HOOKS.lock_flags(task_id) if HOOKS.lock_flags is not None else {}).items():
        flag_indexes.append((name, len(columns)))
        columns.append(condition)
    found = HOOKS.lock_companions(instances) if HOOKS.lock_companions is not None else []
    companions = tuple((segment(c.entity, c.source, c.unread), c) for c in found)

    owner = select(tasks.c.instance_id).where(tasks.c.id == task_id).scalar_subquery()
    joined = (instances.outerjoin(tasks, (tasks.c.instance_id == instances.c.id) & (tasks.c.status == "ready"))
              .join(definitions, definitions.c.id == instances.c.definition_id))
    for companion in found:
        joined = joined.outerjoin(companion.source, companion.onclause)
    stmt = select(*columns).select_from(joined).where(instances.c.id == owner).order_by(tasks.c.id)
    if for_update:
        stmt = stmt.with_for_update(of=instances)
    return _Plan(stmt, instance, task, definition, companions, state_index, stored_index, tuple(flag_indexes))
