"""Scheduler: APScheduler wiring; the jobs themselves are plain idempotent functions."""
