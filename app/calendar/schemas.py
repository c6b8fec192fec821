"""Input of the working-calendar pages."""
from marshmallow import EXCLUDE, Schema, fields, validate

from app.calendar.workdays import FIRST_INPUT_DATE, LAST_INPUT_DATE

DATE_ERRORS = {"invalid": "请输入有效日期，如 2027-01-01", "required": "必填项"}
IN_RANGE = validate.Range(min=FIRST_INPUT_DATE, max=LAST_INPUT_DATE, error="日期超出可录入范围")


class HolidayRangeForm(Schema):
    """A holiday break: first and last day and its name (元旦, 春节 ...)."""

    class Meta:
        unknown = EXCLUDE

    first = fields.Date(required=True, validate=IN_RANGE, error_messages=DATE_ERRORS)
    last = fields.Date(required=True, validate=IN_RANGE, error_messages=DATE_ERRORS)
    note = fields.String(load_default="", validate=validate.Length(max=200, error="名称不能超过 200 个字"))


class DayForm(Schema):
    """One day: a make-up working day (调休上班), or a day whose entry is removed."""

    class Meta:
        unknown = EXCLUDE

    day = fields.Date(required=True, validate=IN_RANGE, error_messages=DATE_ERRORS)
    note = fields.String(load_default="", validate=validate.Length(max=200, error="名称不能超过 200 个字"))


class ConfirmForm(Schema):
    """The notice the year's schedule was taken from."""

    class Meta:
        unknown = EXCLUDE

    source = fields.String(required=True, validate=validate.Length(min=2, max=200, error="请填写依据的通知文号"),
                           error_messages={"required": "请填写依据的通知文号"})
