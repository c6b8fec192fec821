"""Input of the supervision pages (query strings and forms), with Chinese messages."""
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from app.db import MAX_ID
from app.supervision.services import GROUPINGS

CHOICE = "请选择有效的选项"


def _drop_blank(data):
    if hasattr(data, "to_dict"):
        data = data.to_dict()
    return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}


class BoardArgs(Schema):
    """Filters and grouping of the overdue board."""

    class Meta:
        unknown = EXCLUDE

    group = fields.String(load_default="region", validate=validate.OneOf(list(GROUPINGS), error=CHOICE))
    state = fields.String(load_default="all", validate=validate.OneOf(["all", "overdue", "due_soon"], error=CHOICE))
    department = fields.String(load_default="", validate=validate.Length(max=40))
    kind = fields.String(load_default="", validate=validate.Length(max=40))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000, error="页码无效"))

    @pre_load
    def blank(self, data, **_kw):
        return _drop_blank(data)


class ListedArgs(Schema):
    """Status filter of the listed-supervision board."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default="open", validate=validate.OneOf(["open", "closed", "cancelled", "all"],
                                                                        error=CHOICE))

    @pre_load
    def blank(self, data, **_kw):
        return _drop_blank(data)


class RemindForm(Schema):
    """A head's urging note (optional)."""

    class Meta:
        unknown = EXCLUDE

    note = fields.String(load_default="", validate=validate.Length(max=300, error="督办意见不超过 300 字"))


class ReassignForm(Schema):
    """Who takes the task over, and why."""

    class Meta:
        unknown = EXCLUDE

    assignee_id = fields.Integer(required=True, strict=False,
                                 validate=validate.Range(min=1, max=MAX_ID, error="请选择承办人"),
                                 error_messages={"required": "请选择承办人", "invalid": "请选择承办人"})
    reason = fields.String(load_default="", validate=validate.Length(max=300, error="原因不超过 300 字"))

    @pre_load
    def blank(self, data, **_kw):
        return _drop_blank(data)


class ListingForm(Schema):
    """Why the case is listed and by when the listing should be resolved."""

    class Meta:
        unknown = EXCLUDE

    reason = fields.String(required=True, validate=validate.Length(min=2, max=500, error="挂牌理由为 2 至 500 字"),
                           error_messages={"required": "请填写挂牌督办理由"})
    due_date = fields.Date(load_default=None, error_messages={"invalid": "请输入有效的日期"})

    @pre_load
    def blank(self, data, **_kw):
        return _drop_blank(data)
