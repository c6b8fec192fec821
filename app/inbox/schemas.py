"""Marshmallow schemas for inbox input: list filters (query string) and hand-over forms."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from app.db import MAX_ID
from app.inbox.queries import SORTS

NOT_A_NUMBER = "请输入有效的数字"
BAD_CHOICE = "请选择有效的选项"
TOO_LONG = "长度不能超过 {max} 个字符"


class InboxQuerySchema(Schema):
    """?filter=overdue|due_soon&kind=&category=&enterprise=&region=&sort=&page= (blank means none)."""

    class Meta:
        unknown = EXCLUDE

    due = fields.String(data_key="filter", load_default="",
                        validate=validate.OneOf(["", "overdue", "due_soon"], error=BAD_CHOICE))
    kind = fields.String(load_default="", validate=validate.Regexp(r"^[a-z_]{0,40}$", error=BAD_CHOICE))
    category = fields.String(load_default="", validate=validate.Length(max=60, error=TOO_LONG))
    enterprise = fields.String(load_default="", validate=validate.Length(max=100, error=TOO_LONG))
    region = fields.String(load_default="", validate=validate.Regexp(r"^(\d{6})?$", error="请选择有效的地区"))
    sort = fields.String(load_default="", validate=validate.OneOf([""] + list(SORTS), error=BAD_CHOICE))
    claimed = fields.Boolean(load_default=False, truthy={"1"}, falsy={"0"},
                             error_messages={"invalid": BAD_CHOICE})
    page = fields.Integer(load_default=1, strict=False, validate=validate.Range(min=1, max=100000,
                          error="页码须为正整数"), error_messages={"invalid": "页码须为正整数"})

    @pre_load
    def _strip(self, data, **_kw):
        # Empty query values ("?kind=") mean "no filter", never a validation error.
        return {k: v.strip() for k, v in data.items() if isinstance(v, str) and v.strip()}


class HandOverSchema(Schema):
    """assignee_id (a colleague) and an optional reason for assign/delegate."""

    class Meta:
        unknown = EXCLUDE

    assignee_id = fields.Integer(required=True, strict=False,
                                 validate=validate.Range(min=1, max=MAX_ID, error="请选择承办人"),
                                 error_messages={"required": "请选择承办人", "invalid": "请选择承办人"})
    reason = fields.String(load_default="", validate=validate.Length(max=500, error=TOO_LONG))


FIELD_LABELS = {"due": "期限", "kind": "案件类型", "category": "产品类别", "enterprise": "企业",
                "region": "地区", "sort": "排序", "claimed": "含已签收", "page": "页码", "assignee_id": "承办人",
                "reason": "理由"}


def parse(schema, multidict) -> tuple[dict, dict]:
    """Load input; on errors return the defaults for the bad fields and {field: [Chinese messages]}."""
    data = {k: multidict.get(k) for k in multidict}
    try:
        return schema.load(data), {}
    except ValidationError as err:
        errors = {}
        for key, msgs in err.messages.items():
            name = next((n for n, f in schema.fields.items() if (f.data_key or n) == key), key)
            label = FIELD_LABELS.get(name, name)
            errors[name] = [f"{label}：{m}" for m in (msgs if isinstance(msgs, list) else [msgs])]
        good = {k: v for k, v in data.items() if k not in err.messages}
        try:
            clean = schema.load(good)
        except ValidationError:
            clean = {}
        return clean, errors
