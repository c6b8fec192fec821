"""Access guards shared by blueprints."""
from flask import abort
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
