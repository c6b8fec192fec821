"""Staff pages for enterprise accounts: invite (one-time code shown once), disable, enable."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from app.cases.models import Enterprise
from app.db import db
from app.errors import Forbidden, InvalidInput, NotFound
from app.portal import accounts
from app.portal.views import bp


def _managed_enterprise(enterprise_id) -> Enterprise:
    ent = db.get(Enterprise, enterprise_id)
    if ent is None or not accounts.may_manage(current_user, ent):
        raise NotFound("企业不存在或不在您的辖区内")
    return ent


@bp.get("/manage")
def manage():
    """Find an enterprise of the user's jurisdiction by name or USCC."""
    q = request.args.get("q", "").strip()[:60]
    found = []
    if q:
        stmt = (select(Enterprise).where(or_(Enterprise.name.contains(q), Enterprise.uscc == q.upper()))
                .order_by(Enterprise.name).limit(50))
        found = [e for e in db.scalars(stmt) if accounts.may_manage(current_user, e)]
    return render_template("portal/manage.html", q=q, found=found)


@bp.route("/manage/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
def manage_enterprise(enterprise_id):
    """An enterprise's accounts; POST invites a new one and shows its code once."""
    ent = _managed_enterprise(enterprise_id)
    code, error, status = "", "", 200
    if request.method == "POST":
        try:
            code = accounts.invite(current_user, ent, request.form.get("username", ""),
                                   request.form.get("display_name", ""))
        except (InvalidInput, Forbidden) as exc:
            error, status = exc.message, 400
    return render_template("portal/manage_enterprise.html", ent=ent, users=accounts.accounts_of(ent.id), code=code,
                           error=error, days=accounts.INVITATION_DAYS), status


@bp.post("/manage/users/<int:user_id>/active")
def set_account_active(user_id):
    """Disable or enable an enterprise account."""
    user = accounts.set_active(current_user, user_id, request.form.get("active") == "1")
    flash(_("已启用账户 %(name)s", name=user.username) if user.is_active
          else _("已停用账户 %(name)s", name=user.username), "success")
    return redirect(url_for("portal.manage_enterprise", enterprise_id=user.enterprise_id))
