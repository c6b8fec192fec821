"""Marshmallow fields for form field types, with Chinese messages and JSON-friendly output."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import re
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing

from app.clock import LOCAL_TZ

from .model import MAX_PLACES
from .uscc import normalize_uscc, uscc_problem

# JavaScript numbers stay exact up to 2**53; larger ids or counts would corrupt in the UI.
MAX_SAFE_INT = 2**53 - 1
# Caps used when a form gives no max_length/max_rows, so one submission cannot bloat
# the stored workflow state.
DEFAULT_MAX_TEXT = 2000
DEFAULT_MAX_TEXTAREA = 20000
DEFAULT_MAX_ROWS = 500

REQUIRED = "必填项"
INVALID_TEXT = "请输入文本"
BAD_CHAR = "包含无效字符"
TOO_LONG = "长度不能超过 {max} 个字符"
TOO_SHORT = "长度不能少于 {min} 个字符"
BAD_PATTERN = "格式不正确"
INVALID_INT = "请输入整数"
INVALID_NUMBER = "请输入有效的数字"
TOO_LARGE = "数值过大"
TOO_MANY_PLACES = "最多保留 {places} 位小数"
NOT_BELOW = "不能小于 {min}"
NOT_ABOVE = "不能大于 {max}"
INVALID_DATE = "请输入有效的日期（如 2024-01-31）"
NOT_BEFORE = "不能早于 {min}"
NOT_AFTER = "不能晚于 {max}"
INVALID_DATETIME = "请输入有效的日期时间（如 2024-01-31 09:30）"
INVALID_BOOL = "请选择是或否"
INVALID_CHOICE = "请选择有效的选项"
INVALID_CHOICES = "包含无效的选项：{values}"
INVALID_LIST = "数据格式无效"
INVALID_ATTACHMENT = "附件编号无效"
INVALID_TABLE = "表格数据格式无效"
INVALID_ROW = "行数据格式无效"
MIN_ROWS = "至少填写 {n} 行"
MAX_ROWS = "最多填写 {n} 行"
INVALID_FORM = "提交的数据格式无效"

_INT_RE = re.compile(r"[+-]?\d{1,20}\Z")


def is_blank(value: Any) -> bool:
    """Return True for None, whitespace-only strings and empty lists."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, (list, tuple)) and len(value) == 0


class _FormFieldMixin:
    """Shared blank/default handling; put before the marshmallow base class."""

    default_error_messages = {
        "required": REQUIRED, "null": REQUIRED, "validator_failed": INVALID_LIST,
        "invalid": INVALID_LIST, "type": INVALID_LIST,
    }
    # Clean value of a blank optional input.
    empty: Any = None
    # Clean form default used when the key is absent from the submission.
    form_default: Any = missing

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Apply the form default, the blank rule and required before type checks."""
        if value is missing and self.form_default is not missing:
            return copy.deepcopy(self.form_default)
        if value is missing or is_blank(value):
            if self.required:
                raise self.make_error("required")
            return self.blank_value()
        return super().deserialize(value, attr, data, **kwargs)

    def blank_value(self) -> Any:
        """Return the clean value of a blank optional input."""
        return copy.copy(self.empty)


class TextField(_FormFieldMixin, fields.Field):
    """text/textarea: stripped string with length and pattern checks."""

    def __init__(self, *, multiline=False, min_length=None, max_length=None, pattern=None, **kw):
        self.multiline = multiline
        self.min_length = min_length
        self.max_length = max_length or (DEFAULT_MAX_TEXTAREA if multiline else DEFAULT_MAX_TEXT)
        self.pattern = re.compile(pattern) if pattern else None
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(INVALID_TEXT)
        # NUL cannot be stored in PostgreSQL text/jsonb.
        if "\x00" in value:
            raise ValidationError(BAD_CHAR)
        value = value.strip()
        if self.multiline:
            # Browsers send CRLF; normalise so max_length counts what the user sees.
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        elif "\n" in value or "\r" in value:
            raise ValidationError(BAD_CHAR)
        if len(value) > self.max_length:
            raise ValidationError(TOO_LONG.format(max=self.max_length))
        if self.min_length is not None and len(value) < self.min_length:
            raise ValidationError(TOO_SHORT.format(min=self.min_length))
        if self.pattern and not self.pattern.fullmatch(value):
            raise ValidationError(BAD_PATTERN)
        return value


def _check_range(value, low, high, low_msg=NOT_BELOW, high_msg=NOT_ABOVE):
    if low is not None and value < low:
        raise ValidationError(low_msg.format(min=low))
    if high is not None and value > high:
        raise ValidationError(high_msg.format(max=high))


class IntegerField(_FormFieldMixin, fields.Field):
    """integer: int from int, integral float or digit string."""

    def __init__(self, *, min=None, max=None, **kw):  # noqa: A002
        self.low, self.high = min, max
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError(INVALID_INT)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str) and _INT_RE.match(value.strip()):
            value = int(value.strip())
        if not isinstance(value, int):
            raise ValidationError(INVALID_INT)
        if abs(value) > MAX_SAFE_INT:
            raise ValidationError(TOO_LARGE)
        _check_range(value, self.low, self.high)
        return value


class DecimalField(_FormFieldMixin, fields.Field):
    """decimal: exact string with fixed places, e.g. "1500.00"."""

    def __init__(self, *, min=None, max=None, places=None, **kw):  # noqa: A002
        self.low, self.high, self.places = min, max, places
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str, decimal.Decimal)):
            raise ValidationError(INVALID_NUMBER)
        try:
            number = decimal.Decimal(value.strip() if isinstance(value, str) else str(value))
        except decimal.InvalidOperation:
            raise ValidationError(INVALID_NUMBER) from None
        if not number.is_finite():
            raise ValidationError(INVALID_NUMBER)
        if number and number.adjusted() > 15:
            raise ValidationError(TOO_LARGE)
        if self.places is None and number.as_tuple().exponent < -MAX_PLACES:
            raise ValidationError(TOO_MANY_PLACES.format(places=MAX_PLACES))
        if self.places is not None:
            # Amounts are legal facts: reject extra places rather than round them away.
            quantum = decimal.Decimal(1).scaleb(-self.places)
            if number.quantize(quantum) != number:
                raise ValidationError(TOO_MANY_PLACES.format(places=self.places))
            number = number.quantize(quantum)
        _check_range(number, self.low, self.high)
        if number == 0:
            number = abs(number)  # no "-0.00"
        return format(number, "f")


class DateField(_FormFieldMixin, fields.Field):
    """date: ISO date string."""

    def __init__(self, *, min=None, max=None, **kw):  # noqa: A002
        self.low, self.high = min, max
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.datetime):
            raise ValidationError(INVALID_DATE)
        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(value.strip())
            except (AttributeError, TypeError, ValueError):
                raise ValidationError(INVALID_DATE) from None
        _check_range(value, self.low, self.high, NOT_BEFORE, NOT_AFTER)
        return value.isoformat()


class DateTimeField(_FormFieldMixin, fields.Field):
    """datetime: naive input is Beijing time; stored as UTC ISO with offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dt.datetime):
            if not isinstance(value, str) or len(value) > 64:
                raise ValidationError(INVALID_DATETIME)
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(INVALID_DATETIME) from None
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=LOCAL_TZ)
        return value.astimezone(dt.UTC).isoformat()


class BooleanField(_FormFieldMixin, fields.Field):
    """boolean: real bool; HTML checkbox values accepted, absent or blank means False."""

    empty = False
    TRUE = frozenset({"true", "on", "1", "y", "yes", "t", "是"})
    FALSE = frozenset({"false", "off", "0", "n", "no", "f", "否"})

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            result = value
        elif isinstance(value, int) and value in (0, 1):
            result = bool(value)
        elif isinstance(value, str) and value.strip().lower() in self.TRUE | self.FALSE:
            result = value.strip().lower() in self.TRUE
        else:
            raise ValidationError(INVALID_BOOL)
        return result


class SelectField(_FormFieldMixin, fields.Field):
    """select: one option value."""

    def __init__(self, *, choices, **kw):
        self.choices = list(choices)
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or value.strip() not in self.choices:
            raise ValidationError(INVALID_CHOICE)
        return value.strip()


class MultiSelectField(SelectField):
    """multiselect: list of option values, deduplicated, in option order."""

    @property
    def empty(self):
        return []

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValidationError(INVALID_LIST)
        chosen = {v.strip() for v in value if v.strip()}
        bad = sorted(chosen - set(self.choices))
        if bad:
            raise ValidationError(INVALID_CHOICES.format(values="、".join(bad)))
        return [c for c in self.choices if c in chosen]


class UsccField(_FormFieldMixin, fields.Field):
    """uscc: normalized code with its check character verified."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(INVALID_TEXT)
        problem = uscc_problem(value)
        if problem:
            raise ValidationError(problem)
        return normalize_uscc(value)


class AttachmentsField(_FormFieldMixin, fields.Field):
    """attachments: list of positive integer attachment ids, deduplicated."""

    @property
    def empty(self):
        return []

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, (list, tuple)):
            value = [value]
        ids: list[int] = []
        for item in value:
            if isinstance(item, str) and item.strip().isdigit() and len(item.strip()) < 17:
                item = int(item.strip())
            if isinstance(item, bool) or not isinstance(item, int) or not 0 < item <= MAX_SAFE_INT:
                raise ValidationError(INVALID_ATTACHMENT)
            if item not in ids:
                ids.append(item)
        return ids


class TableField(_FormFieldMixin, fields.Nested):
    """table: list of row dicts checked by a row schema."""

    default_error_messages = {"type": INVALID_TABLE}

    def __init__(self, row_schema, *, min_rows=None, max_rows=None, **kw):
        self.min_rows = min_rows
        self.max_rows = max_rows or DEFAULT_MAX_ROWS
        super().__init__(row_schema, many=True, unknown=EXCLUDE, **kw)

    def blank_value(self):
        """Return [] for a blank table, which still has to meet min_rows."""
        self._check_rows(0)
        return []

    def _check_rows(self, count: int) -> None:
        if self.min_rows and count < self.min_rows:
            raise ValidationError(MIN_ROWS.format(n=self.min_rows))
        if count > self.max_rows:
            raise ValidationError(MAX_ROWS.format(n=self.max_rows))

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(INVALID_TABLE)
        self._check_rows(len(value))
        return super()._deserialize(list(value), attr, data, partial=partial, **kwargs)


class FormSchema(Schema):
    """Base of generated schemas: unknown keys are dropped, messages are Chinese."""

    error_messages = {"type": INVALID_FORM, "unknown": INVALID_FORM}

    class Meta:
        unknown = EXCLUDE


class RowSchema(FormSchema):
    """Base of generated table-row schemas."""

    error_messages = {"type": INVALID_ROW, "unknown": INVALID_ROW}
