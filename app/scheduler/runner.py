"""APScheduler wiring: in-process for the embedded default, or `flask scheduler run` at scale."""
import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.db import db
from app.reports.jobs import generate_weekly_reports
from app.scheduler.jobs import escalate_overdue, fire_due_timers, send_deadline_reminders

log = logging.getLogger(__name__)
# Idempotent jobs run after the timers on every tick, each taking `now` and committing itself.
TICK_JOBS = [send_deadline_reminders, escalate_overdue, generate_weekly_reports]


def tick(app, now=None) -> int:
    """One tick: fire due timers, then every registered job; a failing job is logged, the rest run."""
    with app.app_context():
        try:
            try:
                handled = fire_due_timers(now)
            except Exception:  # the deadline jobs still run when a timer batch breaks
                log.exception("firing due timers failed")
                handled = 0
            finally:
                db.remove()
            for job in TICK_JOBS:
                try:
                    job(now)
                except Exception:  # one broken job must not starve the others or the next tick
                    log.exception("scheduler job %s failed", job.__name__)
                finally:
                    db.remove()
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
