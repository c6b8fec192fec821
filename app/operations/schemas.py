"""Input schemas of the instance-operations pages: list filters and the action forms."""
import json
import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from app.db import MAX_ID
from app.engine.models import INSTANCE_STATUSES

PROCESS_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
MAX_DATA_CHARS = 20000


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class InstanceFilterSchema(_Lenient):
    """Filters of the instance list (all optional; empty strings mean no filter)."""

    key = fields.String(load_default="", validate=validate.Regexp(r"^$|" + PROCESS_KEY.pattern,
                                                                  error="流程标识无效"))
    version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, error="版本号无效"),
                             error_messages={"invalid": "版本号须为正整数"})
    status = fields.String(load_default="", validate=validate.OneOf(("",) + INSTANCE_STATUSES, error="状态无效"))
    has_error = fields.Boolean(load_default=False, truthy={"1", "true", "on"}, falsy={"", "0", "false"},
                               error_messages={"invalid": "“仅看出错”取值无效"})
    case = fields.String(load_default="", validate=validate.Length(max=40, error="案件编号过长"))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000, error="页码无效"),
                          error_messages={"invalid": "页码无效"})


def load_filters(args):
    """Parse query args; blank values are treated as absent. Raises ValidationError."""
    cleaned = {k: v.strip() for k, v in args.items() if isinstance(v, str) and v.strip() != ""}
    return InstanceFilterSchema().load(cleaned)


def _required_text(message, max_length=300):
    """A required text field whose blank value is refused with `message`."""

    def not_blank(value):
        if not value.strip():
            raise ValidationError(message)

    return fields.String(required=True, error_messages={"required": message},
                         validate=[validate.Length(max=max_length, error=f"不能超过 {max_length} 字"), not_blank])


class ReasonSchema(_Lenient):
    """Suspend, resume: an optional reason."""

    reason = fields.String(load_default="", validate=validate.Length(max=300, error="原因不能超过 300 字"))


class CancelSchema(_Lenient):
    """Cancel needs a reason: it withdraws every open task of the case."""

    reason = _required_text("请填写撤销原因")


class ResetSchema(_Lenient):
    """Reset: which completed task to go back to, and why."""

    spec_name = _required_text("请选择退回到的任务", max_length=100)
    reason = _required_text("请填写退回原因")


class MigrateQuerySchema(_Lenient):
    """The version chosen for the dry run."""

    target = fields.Integer(required=True, error_messages={"required": "请选择目标版本", "invalid": "目标版本无效"},
                            validate=validate.Range(min=1, max=MAX_ID, error="目标版本无效"))


class MigrateSchema(MigrateQuerySchema):
    """Migrate: the target version (definition id) and the reason."""

    reason = _required_text("请填写迁移原因")


class BulkMigrateSchema(MigrateSchema):
    """Migrate the instances ticked in the list."""

    instance_ids = fields.List(fields.Integer(error_messages={"invalid": "实例编号无效"},
                                              validate=validate.Range(min=1, max=MAX_ID, error="实例编号无效")),
                               required=True,
                               validate=validate.Length(min=1, max=100, error="请选择 1 至 100 个流程实例"),
                               error_messages={"required": "请选择要迁移的流程实例"})


class RetrySchema(_Lenient):
    """Retry: optional corrected data, as a JSON object or one key=value per line."""

    data = fields.String(load_default="", validate=validate.Length(max=MAX_DATA_CHARS, error="修正数据过长"))

    @validates("data")
    def _parses(self, value, **_kw):
        parse_data(value)


def _literal(text):
    # Values are read as JSON literals when they are one (75, true, "x", [1]); otherwise as text.
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_data(text) -> dict:
    """Corrected process data from the retry form; ValidationError with a Chinese message."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"JSON 格式错误：第 {getattr(exc, 'lineno', '?')} 行附近") from exc
        if not isinstance(data, dict):
            raise ValidationError("修正数据须为 JSON 对象")
    else:
        data = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise ValidationError(f"第 {number} 行格式应为 变量名=值")
            name, value = line.split("=", 1)
            data[name.strip()] = _literal(value.strip())
    for name in data:
        # Names reach the restricted expression environment: no dunders, plain identifiers only.
        if not isinstance(name, str) or not VARIABLE.match(name) or name.startswith("__"):
            raise ValidationError(f"变量名“{name}”无效：须以字母或下划线开头，只含字母、数字、下划线")
    return data
