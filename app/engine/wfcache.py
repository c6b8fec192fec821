"""Restored workflows kept per worker between steps, so a completion need not restore its instance again.

A cached workflow is only ever used for the exact stored state it was saved as: it is looked up under the
instance lock and taken only when the row's version, definition and stored state text are those it was
saved with (any change by another worker, or a rolled-back one, makes them differ). It enters the cache
only after its transaction commits, and is taken out (not shared) while a step works on it.
"""
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import event

from app.db import AppSession, db

_PENDING = "engine_wf_cache"  # session.info key: what this transaction will cache once it commits
MAX_ENTRIES = 200  # per database, per worker process: about 100 KB each (a restored instance)


@dataclass
class _Entry:
    version: int
    definition_id: int
    state_text: str
    wf: object


class WorkflowCache:
    """Live workflows by instance id, per database engine (several apps may live in one process)."""

    def __init__(self, size=MAX_ENTRIES):
        self._lock = threading.Lock()
        self._size = size
        self._by_engine = weakref.WeakKeyDictionary()
        self.hits = self.misses = 0  # read by tests and the bench

    def take(self, inst, state_text):
        """The cached workflow of a locked instance if it matches the stored row exactly, else None.

        The entry leaves the cache either way: the caller mutates the workflow, and only a committed save
        puts it back.
        """
        with self._lock:
            entries = self._by_engine.get(db.get_bind())
            entry = entries.pop(inst.id, None) if entries is not None else None
            found = (entry is not None and entry.version == inst.version and entry.definition_id == inst.definition_id
                     and entry.state_text == state_text)
            if found:
                self.hits += 1
            else:
                self.misses += 1
        return entry.wf if found else None

    def cached_version(self, instance_id) -> int | None:
        """The instance version whose workflow this worker holds for the current database, if any."""
        with self._lock:
            entry = self._by_engine.get(db.get_bind(), {}).get(instance_id)
        return entry.version if entry is not None else None

    def keep_after_commit(self, inst, state_text, wf) -> None:
        """Cache a saved workflow once (and only if) the current transaction commits."""
        pending = db().info.setdefault(_PENDING, {})
        pending[inst.id] = (db.get_bind(), _Entry(inst.version, inst.definition_id, state_text, wf))

    def clear(self) -> None:
        """Drop every cached workflow."""
        with self._lock:
            self._by_engine.clear()

    def _store(self, pending) -> None:
        with self._lock:
            for instance_id, (bind, entry) in pending.items():
                entries = self._by_engine.setdefault(bind, OrderedDict())
                entries.pop(instance_id, None)
                entries[instance_id] = entry
                while len(entries) > self._size:
                    entries.popitem(last=False)


WORKFLOW_CACHE = WorkflowCache()


@event.listens_for(AppSession, "after_commit")
def _store_after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if pending:
        WORKFLOW_CACHE._store(pending)


@event.listens_for(AppSession, "after_soft_rollback")
def _drop_after_rollback(session, previous_transaction):
    # Any rollback, a savepoint's too: what was saved inside it may be undone, so nothing pending is kept.
    session.info.pop(_PENDING, None)
