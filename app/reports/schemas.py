"""Input of the dashboard and report pages (marshmallow), with Chinese messages."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.calendar.workdays import FIRST_INPUT_DATE, LAST_INPUT_DATE
from app.errors import first_error  # noqa: F401  (re-exported for the views)
from app.reports.models import REPORT_KINDS

BAD_DATE = {"invalid": "请输入有效的日期（如 2026-01-31）", "required": "必填项", "null": "必填项"}
DATE_RANGE = validate.Range(min=FIRST_INPUT_DATE, max=LAST_INPUT_DATE,
                            error=f"日期应在 {FIRST_INPUT_DATE} 至 {LAST_INPUT_DATE} 之间")


class _Base(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _drop_blanks(self, data, **_kw):
        # Query strings and forms send "" for an empty input: that means "not given".
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}


class DashboardQuery(_Base):
    """The dashboard's date range (Beijing dates, inclusive)."""

    date_from = fields.Date(data_key="from", error_messages=BAD_DATE, validate=DATE_RANGE)
    date_to = fields.Date(data_key="to", error_messages=BAD_DATE, validate=DATE_RANGE)

    @validates_schema
    def _range(self, data, **_kw):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("开始日期不能晚于结束日期", "to")


class NewReportForm(_Base):
    """Ask for a report of a campaign: weekly by its report day, summaries by the campaign's dates."""

    kind = fields.Str(required=True, validate=validate.OneOf(REPORT_KINDS, error="请选择有效的报表类型"),
                      error_messages={"required": "请选择报表类型"})
    campaign_id = fields.Int(required=True, error_messages={"required": "请选择专项行动", "invalid": "请选择专项行动"})
    report_day = fields.Date(error_messages=BAD_DATE, validate=DATE_RANGE)

    @validates_schema
    def _needs(self, data, **_kw):
        if data.get("kind") == "weekly" and not data.get("report_day"):
            raise ValidationError("周报请选择报送日", "report_day")


class RemarksForm(_Base):
    """The reviewer's remarks."""

    remarks = fields.Str(load_default="", validate=validate.Length(max=4000, error="说明不能超过 4000 字"))
