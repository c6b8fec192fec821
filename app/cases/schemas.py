"""Marshmallow schemas for the case pages: list filters, start-work forms; messages in Chinese."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.calendar.workdays import FIRST_INPUT_DATE, LAST_INPUT_DATE
from app.cases.categories import is_known_class
from app.cases.models import CASE_STATUSES
from app.cases.services import KIND_LABELS
from app.db import MAX_ID
from app.formdefs.uscc import normalize_uscc, uscc_problem

REQUIRED = {"required": "必填项", "null": "必填项"}
BAD_DATE = {"invalid": "请输入有效的日期（如 2026-01-31）", **REQUIRED}
BAD_INT = {"invalid": "请输入整数", **REQUIRED}
BAD_NUMBER = {"invalid": "请输入有效的数字", **REQUIRED}
BAD_CHOICE = "请选择有效的选项"


def known_class(code):
    # Classes are data (product_class): checked when the form is read, not when the schema is defined.
    if not is_known_class(code):
        raise ValidationError(BAD_CHOICE)
DATE_RANGE = validate.Range(min=FIRST_INPUT_DATE, max=LAST_INPUT_DATE,
                            error=f"日期应在 {FIRST_INPUT_DATE} 至 {LAST_INPUT_DATE} 之间")

TRUTHY = frozenset({"1", "true", "on", True})
FALSY = frozenset({"0", "false", "off", False})
SORT_KEYS = ("opened_at", "number", "kind", "status", "title")
# Where a lead (线索) for a penalty case comes from (the 立案审查 form's choices, without failed samples).
LEAD_SOURCES = {"inspection": "监督检查发现", "complaint": "投诉举报", "referral": "其他部门移送", "other": "其他"}
SIGNAL_SOURCES = {"complaint": "投诉举报", "monitoring": "风险监测", "sampling": "抽检发现",
                  "media": "媒体报道", "other": "其他"}


def _blank_to_none(data):
    # HTML forms and query strings send "" for an empty input; treat it as "not given".
    if hasattr(data, "to_dict"):
        data = data.to_dict()
    if not hasattr(data, "items"):
        return data  # not an object (JSON from the API): marshmallow refuses it as an invalid type
    return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}


class _Base(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _drop_blanks(self, data, **_kw):
        return _blank_to_none(data)


class CaseFilterSchema(_Base):
    """Query parameters of the case list (also used by dashboard drill-downs)."""

    q = fields.Str(validate=validate.Length(max=100, error="关键字过长"))
    kind = fields.Str(validate=validate.OneOf(list(KIND_LABELS), error=BAD_CHOICE))
    status = fields.Str(validate=validate.OneOf(list(CASE_STATUSES), error=BAD_CHOICE))
    org = fields.Str(validate=validate.Regexp(r"^\d{6,12}$", error="单位代码应为 6-12 位数字"))
    category = fields.Str(validate=validate.Length(max=60))
    is_key = fields.Bool(truthy=TRUTHY, falsy=FALSY,
                         error_messages={"invalid": "取值无效"})
    overdue = fields.Bool(truthy=TRUTHY, falsy=FALSY,
                          error_messages={"invalid": "取值无效"})
    opened_from = fields.Date(error_messages=BAD_DATE, validate=DATE_RANGE)
    opened_to = fields.Date(error_messages=BAD_DATE, validate=DATE_RANGE)
    enterprise = fields.Str(validate=validate.Length(max=100, error="企业名称过长"))
    sort = fields.Str(load_default="opened_at", validate=validate.OneOf(SORT_KEYS, error=BAD_CHOICE))
    dir = fields.Str(load_default="desc", validate=validate.OneOf(("asc", "desc"), error=BAD_CHOICE))
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100000, error="页码无效"),
                      error_messages=BAD_INT)
    per_page = fields.Int(load_default=20, validate=validate.OneOf((10, 20, 50, 100), error=BAD_CHOICE),
                          error_messages=BAD_INT)

    @validates_schema
    def _range(self, data, **_kw):
        if data.get("opened_from") and data.get("opened_to") and data["opened_from"] > data["opened_to"]:
            raise ValidationError("开始日期不能晚于结束日期", "opened_to")


class Uscc(fields.Str):
    """A unified social credit code, normalized and checked (GB 32100-2015)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = normalize_uscc(super()._deserialize(value, attr, data, **kwargs))
        problem = uscc_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


class EnterpriseSchema(_Base):
    """An enterprise picked from the register (id) or typed in (USCC and name)."""

    enterprise_id = fields.Int(error_messages=BAD_INT,
                               validate=validate.Range(min=1, max=MAX_ID, error="所选企业不存在"))
    enterprise_uscc = Uscc(error_messages=REQUIRED)
    enterprise_name = fields.Str(validate=validate.Length(min=2, max=200, error="企业名称应为 2-200 个字符"))

    @validates_schema
    def _one_way(self, data, **_kw):
        if data.get("enterprise_id"):
            return
        if not data.get("enterprise_uscc"):
            raise ValidationError("请选择企业或填写统一社会信用代码", "enterprise_uscc")
        if not data.get("enterprise_name"):
            raise ValidationError("请填写企业名称", "enterprise_name")


class ProductSchema(_Base):
    """The product a case concerns."""

    product_category = fields.Str(required=True, error_messages=REQUIRED,
                                  validate=known_class)
    product_name = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=200))


class FailedItemSchema(_Base):
    """One failed test item."""

    item = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(max=200))
    limit = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(max=100))
    measured = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(max=100))
    is_safety = fields.Bool(load_default=False, truthy=TRUTHY, falsy=FALSY)


class FailedSampleSchema(EnterpriseSchema, ProductSchema):
    """Register a failed sample result (starts failed_sample_disposal)."""

    sample_no = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=60))
    test_report_no = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=60))
    test_lab = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=200))
    test_date = fields.Date(required=True, error_messages=BAD_DATE)
    is_food = fields.Bool(load_default=False, truthy=TRUTHY, falsy=FALSY)
    is_consumer_product = fields.Bool(load_default=False, truthy=TRUTHY, falsy=FALSY)
    goods_value = fields.Decimal(required=True, places=2, as_string=False, error_messages=BAD_NUMBER,
                                 validate=validate.Range(min=0, max=10**12, error="货值金额无效"))
    failed_items = fields.List(fields.Nested(FailedItemSchema), required=True,
                               validate=validate.Length(min=1, max=50, error="至少填写一项不合格项目"),
                               error_messages={**REQUIRED, "invalid": "不合格项目格式无效"})


class CampaignSchema(ProductSchema):
    """Launch a self-inspection campaign: one hazard_investigation case per enterprise."""

    campaign_name = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=2, max=100))
    self_inspection_due = fields.Date(required=True, error_messages=BAD_DATE)
    inspection_due = fields.Date(required=True, error_messages=BAD_DATE)
    enterprise_ids = fields.List(fields.Int(error_messages=BAD_INT,
                                            validate=validate.Range(min=1, max=MAX_ID, error="所选企业不存在")),
                                 load_default=list)
    enterprise_lines = fields.Str(load_default="", validate=validate.Length(max=50000, error="名单过长"))

    @validates_schema
    def _dates(self, data, **_kw):
        if data.get("self_inspection_due") and data.get("inspection_due") \
                and data["inspection_due"] < data["self_inspection_due"]:
            raise ValidationError("现场检查截止日期不能早于自查截止日期", "inspection_due")


class RiskSignalSchema(EnterpriseSchema):
    """Register a risk signal (starts risk_monitoring); the enterprise is optional."""

    title = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=2, max=200))
    signal_source = fields.Str(required=True, error_messages=REQUIRED,
                               validate=validate.OneOf(list(SIGNAL_SOURCES), error=BAD_CHOICE))
    signal_description = fields.Str(required=True, error_messages=REQUIRED,
                                    validate=validate.Length(min=5, max=4000, error="请填写 5-4000 字的描述"))
    product_category = fields.Str(load_default="other",
                                  validate=known_class)
    product_name = fields.Str(load_default="", validate=validate.Length(max=200))

    @validates_schema
    def _one_way(self, data, **_kw):
        # The enterprise is optional for a signal, but if a USCC is typed a name must come with it.
        if data.get("enterprise_uscc") and not data.get("enterprise_name") and not data.get("enterprise_id"):
            raise ValidationError("请填写企业名称", "enterprise_name")


class LeadSchema(EnterpriseSchema):
    """Register a lead (线索) for enforcement's lead check (starts penalty_case with no failed sample)."""

    title = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=2, max=200))
    lead_source = fields.Str(required=True, error_messages=REQUIRED,
                             validate=validate.OneOf(list(LEAD_SOURCES), error=BAD_CHOICE))
    reason = fields.Str(required=True, error_messages=REQUIRED,
                        validate=validate.Length(min=5, max=4000, error="请填写 5-4000 字的描述"))
    product_category = fields.Str(load_default="other",
                                  validate=known_class)
    product_name = fields.Str(load_default="", validate=validate.Length(max=200))


class SamplingSchema(ProductSchema):
    """Start a supervision sampling task (supervision_sampling)."""

    plan_name = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=2, max=100))
    sample_count = fields.Int(required=True, error_messages=BAD_INT,
                              validate=validate.Range(min=1, max=10000, error="批次数应为 1-10000"))
    sampling_due = fields.Date(required=True, error_messages=BAD_DATE)


def flat_errors(messages, prefix="") -> dict:
    """Marshmallow's nested messages as {"field" or "failed_items[0].item": [msgs]}."""
    out = {}
    for key, value in (messages or {}).items():
        name = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
        if isinstance(value, dict):
            out.update(flat_errors(value, name))
        else:
            out[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return out


class ExternalEventSchema(_Base):
    """Register something that arrived from outside (an objection, a hearing request) on a case."""

    message = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=100))
    received_date = fields.Date(required=True, error_messages=BAD_DATE, validate=DATE_RANGE)
    note = fields.Str(required=True, error_messages=REQUIRED,
                      validate=validate.Length(min=1, max=2000, error="请填写 1-2000 字的说明"))
    attachment_ids = fields.List(fields.Int(error_messages=BAD_INT,
                                            validate=validate.Range(min=1, max=MAX_ID, error="所选附件不存在")),
                                 load_default=list)

    @validates_schema
    def _not_future(self, data, **_kw):
        from app.clock import local_today

        # The date the letter reached the bureau: a Beijing calendar date, never later than today there.
        if data.get("received_date") and data["received_date"] > local_today():
            raise ValidationError("收到日期不能晚于今天", "received_date")
