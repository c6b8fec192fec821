"""APScheduler wiring: in-process for the embedded default, or `flask scheduler run` at scale."""
import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.db import db

log = logging.getLogger(__name__)
TICK_JOBS = []  # extra idempotent jobs (reminders, overdue marking) register here


def tick(app) -> int:
    """One tick: fire due timers, then the registered jobs; every job ends its own session."""
    from app.scheduler.jobs import fire_due_timers

    with app.app_context():
        try:
            handled = fire_due_timers()
            for job in TICK_JOBS:
                job()
            return handled
        finally:
            db.remove()


def _safe_tick(app):
    try:
        tick(app)
    except Exception:  # a failed tick must not kill the scheduler; the next tick retries
        log.exception("scheduler tick failed")


def _add_jobs(scheduler, app):
    scheduler.add_job(_safe_tick, "interval", seconds=app.config["SCHEDULER_TICK_SECONDS"], args=[app],
                      id="tick", max_instances=1, coalesce=True)


def start_background(app):
    """Start the in-process scheduler (embedded deployment)."""
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    _add_jobs(scheduler, app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    return scheduler


def run_blocking(app):
    """Run the scheduler in the foreground (its own process)."""
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
