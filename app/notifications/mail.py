"""Optional mail channel: messages are queued on the session and sent only after it commits.

Off unless MAIL_ENABLED. A rolled-back transaction drops its queue (nothing is mailed for work
that did not happen); a failing mail server is logged and never breaks the request or the job.
"""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event

from app.db import AppSession, db

log = logging.getLogger(__name__)
_QUEUE_KEY = "qsflow_mail_queue"


def queue_for_user(user_id, subject, body):
    """Queue a mail to the user's address for after the commit (no-op when mail is off)."""
    if not (has_app_context() and current_app.config.get("MAIL_ENABLED")):
        return
    from app.auth.models import User

    user = db.get(User, user_id)
    if user is None or not user.email:
        return
    settings = {k: current_app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SENDER")}
    db().info.setdefault(_QUEUE_KEY, []).append((settings, user.email, subject, body))


def send_mail(settings, to_address, subject, body):
    """Send one plain-text mail through the configured SMTP server."""
    msg = EmailMessage()
    msg["From"] = settings["MAIL_SENDER"]
    msg["To"] = to_address
    msg["Subject"] = f"[质量安全监管] {subject}"
    msg.set_content(body or subject)
    with smtplib.SMTP(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=10) as smtp:
        smtp.send_message(msg)


@event.listens_for(AppSession, "after_commit")
def _send_after_commit(session):
    queued = session.info.pop(_QUEUE_KEY, None)
    for settings, address, subject, body in queued or ():
        try:
            send_mail(settings, address, subject, body)
        except (OSError, smtplib.SMTPException):
            log.exception("mail to %s not sent: %s", address, subject)


@event.listens_for(AppSession, "after_soft_rollback")
def _drop_after_rollback(session, previous_transaction):
    # Only the outermost rollback discards the queue; a rolled-back savepoint keeps the rest.
    if previous_transaction.parent is None:
        session.info.pop(_QUEUE_KEY, None)
