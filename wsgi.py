"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""
import os

from app import create_app

app = create_app()

if os.environ.get("QSFLOW_EMBEDDED_SCHEDULER") == "1" and app.config["SCHEDULER_ENABLED"]:
    # Embedded default: the scheduler runs inside the single web process.
    from app.scheduler.runner import start_background

    start_background(app)
