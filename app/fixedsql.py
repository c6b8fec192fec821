"""Statements of fixed shape that run on every task completion, compiled once and sent as driver SQL.

`Connection.execute()` of a Core statement costs about 70 µs on top of SQLite's own work: it looks the
statement up in the compiled cache by a key it rebuilds each time, then sets up parameter processing and a
result for it. A completion sends six such statements. A `FixedStatement` compiles its statement once per
dialect, keeps the SQL text, the order of its parameters and their type conversions, and sends each call
through `exec_driver_sql()`: still SQLAlchemy's connection, transaction and events (statement counts, logs),
without the per-call compiling work.

Only for statements without expanding parameters (`IN` lists of bound values: their SQL changes per call),
and a caller gives every parameter: column defaults are not applied (an INSERT names all its columns).
"""
import threading
import weakref
from dataclasses import dataclass


@dataclass(frozen=True)
class _Plan:
    sql: str
    names: tuple  # parameter names in the order the SQL takes them (qmark) or None (named)
    convert: tuple  # (name, bind processor) for every parameter whose type converts its value
    fixed: dict  # values the statement carries itself (`status == "ready"`)


class FixedStatement:
    """A Core statement compiled once per dialect and run with `exec_driver_sql()`."""

    def __init__(self, statement, column_keys=None):
        self._statement = statement
        self._column_keys = list(column_keys) if column_keys is not None else None
        # By dialect object: each engine has its own (its JSON serializer is part of the conversions).
        self._plans = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def execute(self, connection, params):
        """Run with one dict of parameters (or a list of them: executemany); returns the CursorResult."""
        plan = self._plans.get(connection.dialect)
        if plan is None:
            plan = self._compile(connection.dialect)
        if isinstance(params, list):
            return connection.exec_driver_sql(plan.sql, [self._values(plan, p) for p in params])
        return connection.exec_driver_sql(plan.sql, self._values(plan, params))

    @staticmethod
    def _values(plan, params):
        if plan.fixed:
            params = {**plan.fixed, **params}
        if plan.convert:
            params = dict(params)
            for name, process in plan.convert:  # None too: a JSON column stores it as JSON null, as Core does
                params[name] = process(params[name])
        if plan.names is None:
            return params
        return tuple(params[name] for name in plan.names)

    def _compile(self, dialect):
        # for_executemany: no RETURNING of the primary key unless the statement asks for it (PostgreSQL adds
        # one to a single-row INSERT by itself).
        compiled = self._statement.compile(dialect=dialect, column_keys=self._column_keys, for_executemany=True)
        sql = str(compiled)
        if "POSTCOMPILE" in sql:
            raise ValueError("a FixedStatement cannot hold expanding parameters (IN lists)")
        missing = set(compiled.binds) - set(self._column_keys) if self._column_keys is not None else set()
        if missing:
            raise ValueError(f"a FixedStatement INSERT names every column, not {sorted(missing)}")
        convert = []
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                convert.append((name, process))
        names = tuple(compiled.positiontup) if dialect.positional else None
        fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
        plan = _Plan(sql, names, tuple(convert), fixed)
        with self._lock:
            self._plans[dialect] = plan
        return plan
