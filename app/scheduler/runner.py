"""APScheduler wiring: in-process for the embedded default, or `flask scheduler run` at scale."""
import contextlib
import logging
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.db import db, utcnow
from app.reports.jobs import generate_weekly_reports
from app.reports.ontime import roll_up
from app.scheduler.jobs import escalate_overdue, fire_due_timers, next_timer_due_at, send_deadline_reminders

log = logging.getLogger(__name__)
# Idempotent jobs run after the timers on every tick, each taking `now` and committing itself.
TICK_JOBS = [send_deadline_reminders, escalate_overdue, generate_weekly_reports, roll_up]


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


def _safe_tick(app, scheduler=None):
    handled = 0
    try:
        handled = tick(app)
    except Exception:  # a failed tick must not kill the scheduler; the next tick retries
        log.exception("scheduler tick failed")
    if scheduler is not None:
        _schedule_timer_wake(scheduler, app, progressed=handled > 0)


def _timer_wake(app, scheduler):
    """An extra wake-up at the moment the next timer is due: fires timers only."""
    handled = 0
    with app.app_context():
        try:
            handled = fire_due_timers()
        except Exception:
            log.exception("firing due timers failed")
        finally:
            db.remove()
    _schedule_timer_wake(scheduler, app, progressed=handled > 0)


def _schedule_timer_wake(scheduler, app, progressed=True):
    # Between two regular ticks a due timer would wait up to SCHEDULER_TICK_SECONDS; waking at
    # the next known due time keeps timer lateness well under a second (see bench/timers.py).
    # A timer created by a web worker after this look-up is still caught by the regular tick.
    try:
        with app.app_context():
            try:
                next_at = next_timer_due_at()
            finally:
                db.remove()
    except Exception:
        log.exception("next timer look-up failed")
        return
    now = utcnow()
    if next_at is None or next_at - now >= timedelta(seconds=app.config["SCHEDULER_TICK_SECONDS"]):
        return
    # A timer due already became due during the last run (go again at once), or was tried and
    # left, e.g. after a conflict (nothing progressed: retry at most once a second).
    # max_instances=2: this is called from the finishing wake-up job, which still counts as running.
    run_at = next_at if next_at > now else now + timedelta(seconds=0.02 if progressed else 1)
    scheduler.add_job(_timer_wake, "date", run_date=run_at, args=[app, scheduler], id="timer-wake",
                      replace_existing=True, misfire_grace_time=30, max_instances=2)


def _add_jobs(scheduler, app):
    # The first tick runs at start-up: timers that fell due while no scheduler ran fire at once,
    # and the wake-up for the next due timer is planned from the start.
    scheduler.add_job(_safe_tick, "interval", seconds=app.config["SCHEDULER_TICK_SECONDS"],
                      args=[app, scheduler], id="tick", max_instances=1, coalesce=True, next_run_time=utcnow())


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
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
