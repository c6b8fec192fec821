"""A step's own rows written with plain statements: the instance, its inbox rows and its audit rows.

The ORM's unit of work cost more than the statements it sends (about 1 ms of a 4 ms completion on
SQLite: change tracking, dependency sorting, one execution context per mapper). These rows have a fixed
shape, so a completion writes them directly, in the same transaction and with the same guarantees: the
instance's version is checked and bumped, new inbox rows get their ids before anyone announces them, and
every audit row of the step is one INSERT. The objects in the session are then told the stored values
(`set_committed_value`), so the ORM neither writes them again nor reads them back. Statements go to the
session's connection as precompiled driver SQL (app.fixedsql): the session's own execute() adds its ORM
bookkeeping to every one, the connection's its compiled-cache lookup.
"""
from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from app.audit.models import CaseEvent
from app.db import db
from app.engine.models import HumanTask, ProcessInstance
from app.errors import Conflict
from app.fixedsql import FixedStatement

# What a step may change on its instance; written together so the statement is always the same one.
INSTANCE_COLUMNS = ("state", "status", "next_timer_at", "error_type", "error_message", "error_element", "error_at",
                    "updated_at", "ended_at")
CLOSING_COLUMNS = ("status", "completed_at", "completed_by_id")

_instances = ProcessInstance.__table__
_tasks = HumanTask.__table__
_task_mapper = inspect(HumanTask)
_events = CaseEvent.__table__
_TASK_COLUMNS = tuple(c.key for c in _tasks.columns if c.key != "id")
_EVENT_COLUMNS = tuple(c.key for c in _events.columns if c.key not in ("id", "_sentinel"))
# Indexed: SQLite rewrites an index entry for every indexed column an UPDATE sets, changed or not (a page in the
# WAL each), so these are set only when they change; most steps change neither.
INDEXED_INSTANCE_COLUMNS = ("status", "next_timer_at")
_UPDATE_INSTANCE = {}  # by the indexed columns that changed: one fixed statement each


def _update_instance_statement(changed) -> FixedStatement:
    statement = _UPDATE_INSTANCE.get(changed)
    if statement is None:
        columns = [c for c in INSTANCE_COLUMNS if c not in INDEXED_INSTANCE_COLUMNS or c in changed]
        statement = _UPDATE_INSTANCE[changed] = FixedStatement(
            update(_instances)
            .where(_instances.c.id == bindparam("_id"), _instances.c.version == bindparam("_old_version"))
            .values(version=bindparam("_new_version"), **{c: bindparam(c) for c in columns}))
    return statement


_CLOSE_TASKS = FixedStatement(update(_tasks).where(_tasks.c.id == bindparam("_id"))
                              .values(**{c: bindparam(c) for c in CLOSING_COLUMNS}))
_INSERT_TASK = FixedStatement(insert(_tasks).returning(_tasks.c.id), column_keys=_TASK_COLUMNS)
_INSERT_TASKS = insert(_tasks).returning(_tasks.c.id, sort_by_parameter_order=True)
_INSERT_EVENTS = FixedStatement(insert(_events), column_keys=_EVENT_COLUMNS)


def write_instance(inst, values) -> None:
    """UPDATE the instance with `values` (any INSTANCE_COLUMNS; the rest keep the object's values) if its
    version is still the one read; Conflict when another transaction changed it meanwhile."""
    row = {c: values[c] if c in values else getattr(inst, c) for c in INSTANCE_COLUMNS}
    # Against the value as stored: one set on the object since it was read (a resume sets the status before
    # the step) is a change too, even when the step's value equals it.
    state = instance_state(inst)
    stored = state.dict
    changed = tuple(c for c in INDEXED_INSTANCE_COLUMNS
                    if c in state.committed_state or c not in stored or row[c] != stored[c])
    old = inst.version
    params = {**row, "_id": inst.id, "_old_version": old, "_new_version": old + 1}
    result = _update_instance_statement(changed).execute(db.connection(), params)
    if result.rowcount != 1:
        raise Conflict("流程已被他人同时更新，请刷新后重试")
    for key, value in row.items():
        set_committed_value(inst, key, value)
    set_committed_value(inst, "version", old + 1)


def close_tasks(closing) -> None:
    """UPDATE stored inbox rows to completed or cancelled: `closing` is [(row, status, at, user_id)]."""
    if not closing:
        return
    params = [{"_id": row.id, "status": status, "completed_at": at, "completed_by_id": by}
              for row, status, at, by in closing]
    _CLOSE_TASKS.execute(db.connection(), params)
    for row, status, at, by in closing:
        for key, value in zip(CLOSING_COLUMNS, (status, at, by), strict=True):
            set_committed_value(row, key, value)


def insert_tasks(rows) -> None:
    """INSERT new inbox rows (built, not yet written) in one statement; they become persistent objects with
    their ids, as if loaded."""
    if not rows:
        return
    for row in rows:
        for column in _tasks.columns:
            if column.key != "id" and column.key not in vars(row):
                default = column.default.arg if column.default is not None and column.default.is_scalar else None
                setattr(row, column.key, default)
    params = [{c: getattr(row, c) for c in _TASK_COLUMNS} for row in rows]
    if len(params) == 1:  # the usual step: a plain INSERT ... RETURNING, without the batching machinery
        ids = [_INSERT_TASK.execute(db.connection(), params[0]).scalar_one()]
    else:  # RETURNING in the order given: SQLAlchemy sorts the rows back when one INSERT writes several
        ids = db.connection().execute(_INSERT_TASKS, params).scalars().all()
    session = db()
    for row, id_ in zip(rows, ids, strict=True):
        row.id = id_
        attach_as_loaded(session, row, _task_mapper.identity_key_from_primary_key((id_,)))


def attach_as_loaded(session, obj, identity, unread=()) -> None:
    """Put a transient object whose row is stored (every column value in its dict but `unread`) into the
    session as if just loaded: persistent, clean, the `unread` columns expired (loaded on first access).

    What make_transient_to_detached() and add() do, with the identity and the unread columns given: that
    pair derives both per object, and add() walks the object's relationships (here all unset, so nothing to
    cascade); a third of the cost. SQLAlchemy is pinned; tests/engine/test_lock_read.py and
    tests/engine/test_step_rows.py check the objects are persistent, clean, in the identity map, load an
    unread column and an unset relationship on access, and have a later change flushed."""
    state = instance_state(obj)
    state.key = identity
    state._commit_all(state.dict)
    if unread:
        state._expire_attributes(state.dict, unread)
    session._update_impl(state)


def take_out(objects) -> None:
    """Take new objects out of the session so the ORM's flush leaves them to the functions here."""
    for obj in objects:
        if inspect(obj).session is not None:
            db.expunge(obj)


def pending_events() -> list:
    """Audit rows added to the session and not written yet, in the order they were recorded."""
    found = [obj for obj in db.new if isinstance(obj, CaseEvent)]
    found.sort(key=lambda obj: inspect(obj).insert_order)
    return found


def insert_events(events) -> None:
    """INSERT audit rows (taken out of the session) in one statement; a row naming a task created in the
    same step gets that task's id. Their ids are not read back: nothing reads an audit row it just wrote."""
    if not events:
        return
    rows = []
    for event in events:
        task = vars(event).get("human_task")  # set by record_event(human_task=...); never loaded from the database
        row = {c: getattr(event, c) for c in _EVENT_COLUMNS}
        if task is not None:
            row["human_task_id"] = task.id
        rows.append(row)
    _INSERT_EVENTS.execute(db.connection(), rows)
