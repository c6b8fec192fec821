"""The home page after login and the language switch."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.auth.guards import local_referrer
from app.extensions import SUPPORTED_LOCALES

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
@login_required
def index():
    """Landing page: the user's counts and entry points."""
    from app.home.services import home_summary

    return render_template("home/index.html", summary=home_summary(current_user))


@bp.post("/locale")
def set_locale():
    """Switch the interface language (zh_Hans_CN or en)."""
    locale = request.form.get("locale", "")
    if locale in SUPPORTED_LOCALES:
        session["locale"] = locale
    return redirect(local_referrer(url_for("home.index")))
