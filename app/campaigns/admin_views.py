"""The product class admin page for system admins (/admin/classes)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from app.auth.guards import restrict_blueprint_to_role
from app.campaigns import classes
from app.errors import InvalidInput, first_error

bp = Blueprint("classes", __name__, url_prefix="/admin/classes", template_folder="templates")
restrict_blueprint_to_role(bp, "system_admin")
YEAR = validate.Range(min=2000, max=2100, error="年度无效")


class ClassForm(Schema):
    """A class row as the page posts it."""

    class Meta:
        unknown = EXCLUDE

    code = fields.Str(load_default="")
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100, error="名称应为 1-100 字"),
                      error_messages={"required": "请填写名称"})
    name_en = fields.Str(load_default="", validate=validate.Length(max=120))
    region_code = fields.Str(load_default="", validate=validate.Length(max=12))
    is_key = fields.Bool(load_default=False)
    year_from = fields.Int(load_default=None, validate=YEAR, error_messages={"invalid": "年度无效"})
    year_to = fields.Int(load_default=None, validate=YEAR, error_messages={"invalid": "年度无效"})
    sort_order = fields.Int(load_default=500, error_messages={"invalid": "请输入整数"})
    source = fields.Str(load_default="", validate=validate.Length(max=200))

    @pre_load
    def _blanks(self, data, **_kw):
        data = data.to_dict() if hasattr(data, "to_dict") else dict(data)
        data["is_key"] = data.get("is_key") in ("1", "on", "true", True)
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}


def _load():
    try:
        return ClassForm().load(request.form)
    except ValidationError as exc:
        raise InvalidInput(first_error(exc.messages)) from exc


@bp.get("/")
def index():
    """Every class with its region, key mark and years."""
    return render_template("campaigns/classes.html", rows=classes.list_classes())


@bp.post("/")
def add():
    """Add a class."""
    classes.add_class(current_user, _load())
    flash(_("产品类别已添加"), "success")
    return redirect(url_for("classes.index")), 303


@bp.post("/<int:class_id>")
def update(class_id):
    """Save one class."""
    data = _load()
    data.pop("code", None)
    classes.update_class(current_user, class_id, data)
    flash(_("产品类别已保存"), "success")
    return redirect(url_for("classes.index")), 303
