"""Input of the campaign pages (marshmallow), with Chinese messages."""
import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.calendar.workdays import FIRST_INPUT_DATE, LAST_INPUT_DATE

BAD_DATE = {"invalid": "请输入有效的日期（如 2026-01-31）", "required": "必填项", "null": "必填项"}
DATE_RANGE = validate.Range(min=FIRST_INPUT_DATE, max=LAST_INPUT_DATE,
                            error=f"日期应在 {FIRST_INPUT_DATE} 至 {LAST_INPUT_DATE} 之间")
MAX_PHASES = 8


class _Base(Schema):
    class Meta:
        unknown = EXCLUDE


class PhaseSchema(_Base):
    """One phase of a campaign."""

    key = fields.Str(load_default="", validate=validate.Length(max=40))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60, error="阶段名称应为 1-60 字"),
                      error_messages={"required": "必填项"})
    due = fields.Date(required=True, error_messages=BAD_DATE, validate=DATE_RANGE)


class CampaignForm(_Base):
    """Create a campaign: name, start, phases, product classes and the report schedule."""

    name = fields.Str(required=True, validate=validate.Length(min=2, max=200, error="名称应为 2-200 字"),
                      error_messages={"required": "必填项"})
    start_date = fields.Date(required=True, error_messages=BAD_DATE, validate=DATE_RANGE)
    phases = fields.List(fields.Nested(PhaseSchema), load_default=list)
    class_codes = fields.List(fields.Str(validate=validate.Length(max=40)), load_default=list)
    report_weekday = fields.Int(required=True, validate=validate.Range(min=0, max=6, error="请选择星期"),
                                error_messages={"required": "必填项", "invalid": "请选择星期"})
    report_time = fields.Str(required=True, validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$",
                                                                     error="时间格式应为 HH:MM"),
                             error_messages={"required": "必填项"})
    stage_date = fields.Date(load_default=None, error_messages=BAD_DATE, validate=DATE_RANGE)
    annual_date = fields.Date(load_default=None, error_messages=BAD_DATE, validate=DATE_RANGE)

    @pre_load
    def _from_form(self, data, **_kw):
        # The page posts phase_name_1 / phase_due_1 ... and repeated class_codes; blanks mean "not given".
        if hasattr(data, "getlist"):
            flat = {k: v for k, v in data.items() if not k.startswith("phase_") and k != "class_codes"}
            flat["class_codes"] = data.getlist("class_codes")
            phases = []
            for n in sorted({int(m.group(1)) for k in data for m in [re.match(r"phase_name_(\d+)$", k)] if m}):
                name, due = data.get(f"phase_name_{n}", "").strip(), data.get(f"phase_due_{n}", "").strip()
                if name or due:
                    phases.append({"name": name, "due": due, "key": data.get(f"phase_key_{n}", "")})
            flat["phases"] = phases
            data = flat
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}

    @validates_schema
    def _order(self, data, **_kw):
        if len(data.get("phases") or []) > MAX_PHASES:
            raise ValidationError(f"最多 {MAX_PHASES} 个阶段", "phases")
        for key in ("stage_date", "annual_date"):
            if data.get(key) and data.get("start_date") and data[key] < data["start_date"]:
                raise ValidationError("总结日期不能早于开始日期", key)


class AcknowledgeForm(_Base):
    """A bureau acknowledges: its local classes and a note."""

    local_class_codes = fields.List(fields.Str(validate=validate.Length(max=40)), load_default=list)
    note = fields.Str(load_default="", validate=validate.Length(max=2000, error="说明不能超过 2000 字"))

    @pre_load
    def _from_form(self, data, **_kw):
        if hasattr(data, "getlist"):
            return {"local_class_codes": [c for c in data.getlist("local_class_codes") if c],
                    "note": data.get("note", "")}
        return data


class EnterpriseForm(_Base):
    """Add one enterprise to the register by hand."""

    uscc = fields.Str(required=True, validate=validate.Length(max=30), error_messages={"required": "必填项"})
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200), error_messages={"required": "必填项"})
    product_class = fields.Str(load_default="", validate=validate.Length(max=40))
    products = fields.Str(load_default="", validate=validate.Length(max=200))
