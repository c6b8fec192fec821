"""The API token page for system admins: list, create (the secret shown once), revoke."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import tokens
from app.auth.guards import restrict_blueprint_to_role
from app.auth.services import find_user
from app.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/admin/api-tokens", template_folder="templates")
restrict_blueprint_to_role(bp, "system_admin")
# The browsable docs: Swagger UI from app/static/vendor (copied from npm by the Makefile), never a CDN.
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api", template_folder="templates")


@docs_bp.get("/docs")
def docs():
    """Swagger UI over /api/v1/openapi.json (public, like the document itself)."""
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


def _page(status=200, errors=None, form=None, secret=None):
    return render_template("api/tokens.html", tokens=tokens.list_tokens(), scopes=tokens.SCOPES,
                           errors=errors or {}, form=form or {}, secret=secret), status


@bp.get("/")
def index():
    """Every token: name, account, bureau, scopes, last use, revoked or not."""
    return _page()


@bp.post("/")
def create():
    """Create a token; its secret is shown on this one page and never again."""
    form = {"name": request.form.get("name", ""), "username": request.form.get("username", "").strip(),
            "scopes": request.form.getlist("scopes")}
    try:
        _token, secret = tokens.create_token(form["name"], find_user(form["username"]) if form["username"] else None,
                                             form["scopes"], created_by_id=current_user.id)
    except InvalidInput as exc:
        return _page(400, {exc.details.get("field", "_form"): exc.message}, form)
    flash(_("令牌已创建，请立即复制保存：离开本页后将无法再次查看"), "success")
    return _page(secret=secret)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id):
    """Revoke a token at once."""
    token = tokens.revoke_token(token_id, actor_id=current_user.id)
    flash(_("令牌“%(name)s”已吊销", name=token.name), "success")
    return redirect(url_for("api.index"))
