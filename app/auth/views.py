"""Login and logout."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.accounts import authenticate, end_sessions
from app.auth.guards import local_path
from app.db import commit_before_refusal

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the credentials and start a session."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.index"))
    error = ""
    username = request.form.get("username", "").strip()
    if request.method == "POST":
        outcome = authenticate(username, request.form.get("password", ""), request.remote_addr or "")
        if outcome.user is not None:
            login_user(outcome.user)
            return redirect(local_path(request.args.get("next")) or url_for("home.index"))
        commit_before_refusal()  # the failure counter and throttle outlast the refused login
        error = outcome.message
    return render_template("auth/login.html", error=error, username=username), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    """End the session, and every other session cookie of the user (a copied cookie stops working too)."""
    end_sessions(current_user._get_current_object())
    logout_user()
    flash("您已安全退出", "info")
    return redirect(url_for("auth.login"))
