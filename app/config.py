"""Every setting declared once, with its default and its environment variable."""
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name, default):
    return os.environ.get(name, default)


class Config:
    """Defaults for the embedded deployment; each can be overridden by env var."""

    # Unset: a random key generated once per installation (instance/secret_key), never a shared default.
    SECRET_KEY = _env("SECRET_KEY", "")
    # Set to 1 when served over HTTPS, so the session cookie is never sent in clear.
    SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "0") == "1"
    DATABASE_URL = _env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'qsflow.db'}")
    PROCESSES_DIR = _env("PROCESSES_DIR", str(BASE_DIR / "processes"))
    FORMS_DIR = _env("FORMS_DIR", str(BASE_DIR / "forms"))
    UPLOAD_DIR = _env("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    MAX_BPMN_BYTES = int(_env("MAX_BPMN_BYTES", str(2 * 1024 * 1024)))
    MAX_UPLOAD_BYTES = int(_env("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024
    SCHEDULER_ENABLED = _env("SCHEDULER_ENABLED", "1") == "1"
    SCHEDULER_TICK_SECONDS = int(_env("SCHEDULER_TICK_SECONDS", "5"))
    # A task this many working days past due is escalated to the department heads above it.
    ESCALATION_AFTER_WORKING_DAYS = int(_env("ESCALATION_AFTER_WORKING_DAYS", "3"))
    BABEL_DEFAULT_LOCALE = _env("BABEL_DEFAULT_LOCALE", "zh_Hans_CN")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # Each domain package keeps its own catalog (app/<domain>/translations); flask-babel merges them.
    BABEL_TRANSLATION_DIRECTORIES = ";".join(
        str(p) for p in sorted((BASE_DIR / "app").glob("*/translations")) + [BASE_DIR / "app" / "translations"])
    PERMANENT_SESSION_LIFETIME = int(_env("SESSION_TIMEOUT_SECONDS", str(8 * 3600)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_SECONDS = int(_env("LOGIN_LOCK_SECONDS", "900"))
    # Reverse proxies in front of the app: login throttling is per client address, taken from X-Forwarded-For.
    PROXY_HOPS = int(_env("PROXY_HOPS", "0"))
    MAIL_ENABLED = _env("MAIL_ENABLED", "0") == "1"
    MAIL_SERVER = _env("MAIL_SERVER", "localhost")
    MAIL_PORT = int(_env("MAIL_PORT", "25"))
    MAIL_SENDER = _env("MAIL_SENDER", "qsflow@localhost")
    # Upper-bureau consent for county/city dishonesty listings (DOMAIN.md: configurable).
    DISHONESTY_LISTING_NEEDS_UPPER_CONSENT = _env("DISHONESTY_LISTING_NEEDS_UPPER_CONSENT", "1") == "1"
    # Penalty disclosures stay on the public page this many years after the decision (DOMAIN.md: configurable).
    DISCLOSURE_DISPLAY_YEARS = int(_env("DISCLOSURE_DISPLAY_YEARS", "3"))
    TESTING = False


def load_config(overrides=None):
    """Return the config as a dict: class defaults, then explicit overrides."""
    values = {k: getattr(Config, k) for k in dir(Config) if k.isupper()}
    values.update(overrides or {})
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = installation_secret(BASE_DIR / "instance" / "secret_key")
    return values


def installation_secret(path: Path) -> str:
    """This installation's random session key, created on first use (readable by the owner only)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (web or scheduler) created it first
        return path.read_text().strip() or key
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


# Password hashing method (werkzeug); tests override it with a cheap one.
Config.PASSWORD_HASH_METHOD = _env("PASSWORD_HASH_METHOD", "scrypt")
