"""Access guards shared by blueprints."""
from urllib.parse import urlparse

from flask import abort, request
from flask_login import current_user

from app.extensions import login_manager


def restrict_blueprint_to_role(bp, role):
    """Every page of `bp` needs a login (else the login page) and `role` (else 403)."""

    @bp.before_request
    def _require_role():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(role):
            abort(403)
        return None

    return bp


def local_path(target) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects after login or a form)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "\" as "/" and drop tabs and newlines, so "/\evil.com" or "/\t/evil.com" would
    # leave the site; such paths never come from our own pages.
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parsed = urlparse(target)
    return target if not parsed.scheme and not parsed.netloc else None


def local_referrer(default: str) -> str:
    """The page the request came from when it is on this site, else `default` (no redirect to any Referer)."""
    referrer = request.referrer or ""
    parsed = urlparse(referrer)
    if not parsed.scheme and not parsed.netloc:
        return local_path(referrer) or default
    if parsed.scheme not in ("http", "https") or parsed.netloc != request.host:
        return default
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return local_path(path) or default
