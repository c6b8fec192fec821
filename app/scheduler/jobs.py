"""Scheduler jobs: each is an idempotent function that commits per unit of work."""
import logging

from app.db import db, unit_of_work, utcnow
from app.engine import service
from app.engine.errors import EngineError

log = logging.getLogger(__name__)


def fire_due_timers(now=None, batch=100) -> int:
    """Fire every due BPMN timer; each instance in its own transaction. Returns instances handled."""
    handled = 0
    while True:
        now_at = now or utcnow()
        with unit_of_work():
            ids = service.due_timer_instance_ids(now_at, limit=batch)
        if not ids:
            return handled
        progressed = 0
        for instance_id in ids:
            try:
                with unit_of_work():
                    if service.fire_timers(instance_id) is not None:
                        progressed += 1
            except EngineError as exc:
                log.warning("timer of instance %s not fired: %s", instance_id, exc.message)
        handled += progressed
        db.remove()
        if progressed == 0 or len(ids) < batch:
            return handled
