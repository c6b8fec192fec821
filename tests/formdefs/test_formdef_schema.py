"""validate_submission: clean JSON-friendly data and Chinese errors for every field type."""

import datetime as dt
import decimal
import json
from pathlib import Path

import pytest
from marshmallow import Schema

from app.formdefs import build_schema, load_form, load_form_dict, validate_submission

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def form():
    return load_form(FIXTURES / "failed_sample_notice.json")


def valid_input(**over):
    data = {
        "notice_date": "2024-05-06",
        "enterprise_uscc": "91350100M000100Y43",
        "enterprise_name": "福州某电缆有限公司",
        "product_category": "wire_cable",
        "conclusion": "fail",
        "confirmed": True,
        "failed_items": [{"item": "导体电阻", "limit": "≤1.83 Ω/km", "measured": "2.10", "is_safety": True}],
    }
    data.update(over)
    return data


def one_field(**field):
    base = {"name": "f", "label": "字段", "type": "text"}
    base.update(field)
    return load_form_dict({"key": "k", "title": "标题", "fields": [base]})


def check(field, value, **kw):
    """Validate {"f": value} against a one-field form; return (clean value, errors)."""
    data = {} if value is ... else {"f": value}
    clean, errors = validate_submission(one_field(**field), data, **kw)
    return clean.get("f", "<absent>"), errors.get("f")


def test_valid_submission_is_clean_and_json_serializable(form):
    clean, errors = validate_submission(form, valid_input(fine_amount="1500", served_at="2024-05-06 09:30"))
    assert errors == {}
    assert clean["fine_amount"] == "1500.00"
    assert clean["served_at"] == "2024-05-06T01:30:00+00:00"
    assert clean["failed_items"] == [
        {"item": "导体电阻", "limit": "≤1.83 Ω/km", "measured": "2.10", "is_safety": True}]
    # Optional fields are present with empty values; defaults fill absent keys.
    assert clean["remarks"] is None and clean["measures"] == [] and clean["evidence"] == []
    assert clean["objection_filed"] is False and clean["sample_count"] == 1
    json.dumps(clean)


def test_empty_submission_lists_required_fields(form):
    clean, errors = validate_submission(form, {})
    assert errors == {
        "notice_date": ["必填项"], "enterprise_uscc": ["必填项"], "enterprise_name": ["必填项"],
        "product_category": ["必填项"], "conclusion": ["必填项"], "failed_items": ["至少填写 1 行"],
    }
    assert "notice_date" not in clean


def test_build_schema_is_cached_per_form(form):
    schema = build_schema(form)
    assert isinstance(schema, Schema)
    assert build_schema(form) is schema
    assert build_schema(form, partial=True) is not schema
    assert schema.load(valid_input())["enterprise_uscc"] == "91350100M000100Y43"


def test_unknown_keys_dropped_and_readonly_ignored(form):
    clean, errors = validate_submission(form, valid_input(case_no="伪造编号", is_admin=True, __class__="x"))
    assert errors == {}
    assert "case_no" not in clean and "is_admin" not in clean and "__class__" not in clean


def test_non_mapping_submission(form):
    assert validate_submission(form, ["x"]) == ({}, {"_form": ["提交的数据格式无效"]})


# --- text / textarea ------------------------------------------------------------

def test_text():
    assert check({}, "  某公司  ") == ("某公司", None)
    assert check({}, "   ") == (None, None)
    assert check({"required": True}, "  ") == ("<absent>", ["必填项"])
    assert check({}, 123) == ("<absent>", ["请输入文本"])
    assert check({"max_length": 3}, "abcd")[1] == ["长度不能超过 3 个字符"]
    assert check({"min_length": 3}, "ab")[1] == ["长度不能少于 3 个字符"]
    assert check({}, "a\nb")[1] == ["包含无效字符"]
    assert check({}, "a\x00b")[1] == ["包含无效字符"]
    assert check({}, "x" * 2001)[1] == ["长度不能超过 2000 个字符"]


def test_text_pattern():
    field = {"pattern": r"[A-Z]{2}\d{6}"}
    assert check(field, "GB123456") == ("GB123456", None)
    assert check(field, "GB123456x")[1] == ["格式不正确"]


def test_textarea_keeps_lines_and_normalizes_newlines():
    assert check({"type": "textarea"}, "第一行\r\n第二行\n") == ("第一行\n第二行", None)
    # CRLF counts as one character, as the user sees it.
    assert check({"type": "textarea", "max_length": 3}, "a\r\nb") == ("a\nb", None)


# --- numbers ----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [(5, 5), ("5", 5), (" -3 ", -3), (7.0, 7)])
def test_integer_ok(value, expected):
    assert check({"type": "integer"}, value) == (expected, None)


@pytest.mark.parametrize("value", ["5.5", 5.5, "abc", True, [1], "1e3"])
def test_integer_invalid(value):
    assert check({"type": "integer"}, value)[1] == ["请输入整数"]


def test_integer_range():
    field = {"type": "integer", "min": 1, "max": 100}
    assert check(field, 0)[1] == ["不能小于 1"]
    assert check(field, 101)[1] == ["不能大于 100"]
    assert check({"type": "integer"}, 2**60)[1] == ["数值过大"]


@pytest.mark.parametrize("value, expected", [
    ("1500", "1500.00"), (1500, "1500.00"), ("1500.5", "1500.50"), (0.1, "0.10"),
    (" 12.30 ", "12.30"), ("-0", "0.00"), ("1E3", "1000.00"),
])
def test_decimal_fixed_places(value, expected):
    assert check({"type": "decimal", "places": 2, "min": -10}, value) == (expected, None)


def test_decimal_errors():
    field = {"type": "decimal", "places": 2, "min": 0, "max": 100000000}
    assert check(field, "12.345")[1] == ["最多保留 2 位小数"]
    assert check(field, "-1")[1] == ["不能小于 0"]
    assert check(field, "100000000.01")[1] == ["不能大于 100000000"]
    for bad in ("abc", "NaN", "Infinity", True, "1,500"):
        assert check(field, bad)[1] == ["请输入有效的数字"], bad
    assert check({"type": "decimal"}, "1e30")[1] == ["数值过大"]
    assert check({"type": "decimal"}, "3.14159") == ("3.14159", None)
    assert check({"type": "decimal"}, "1e-20")[1] == ["最多保留 10 位小数"]


# --- dates -----------------------------------------------------------------------

def test_date():
    assert check({"type": "date"}, "2024-05-06") == ("2024-05-06", None)
    assert check({"type": "date"}, dt.date(2024, 5, 6)) == ("2024-05-06", None)
    for bad in ("2024-02-30", "06/05/2024", "2024-05-06T10:00", 20240506):
        assert check({"type": "date"}, bad)[1] == ["请输入有效的日期（如 2024-01-31）"], bad
    field = {"type": "date", "min": "2024-01-01", "max": "2024-12-31"}
    assert check(field, "2023-12-31")[1] == ["不能早于 2024-01-01"]
    assert check(field, "2025-01-01")[1] == ["不能晚于 2024-12-31"]


@pytest.mark.parametrize("value, expected", [
    ("2024-05-06 09:30", "2024-05-06T01:30:00+00:00"),      # naive = Beijing time
    ("2024-05-06T09:30", "2024-05-06T01:30:00+00:00"),      # <input type=datetime-local>
    ("2024-05-06T01:30:00Z", "2024-05-06T01:30:00+00:00"),
    ("2024-05-06T09:30:00+08:00", "2024-05-06T01:30:00+00:00"),
    (dt.datetime(2024, 5, 6, 9, 30), "2024-05-06T01:30:00+00:00"),
])
def test_datetime_stored_as_utc(value, expected):
    assert check({"type": "datetime"}, value) == (expected, None)


def test_datetime_invalid():
    assert check({"type": "datetime"}, "明天")[1] == ["请输入有效的日期时间（如 2024-01-31 09:30）"]


# --- boolean / choices -------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("on", True), ("true", True), ("1", True), ("y", True), (True, True), (1, True),
    ("false", False), ("0", False), ("off", False), (False, False), ("", False), (None, False),
])
def test_boolean(value, expected):
    assert check({"type": "boolean"}, value) == (expected, None)


def test_boolean_missing_is_false_even_when_required():
    assert check({"type": "boolean"}, ...) == (False, None)
    assert check({"type": "boolean", "required": True}, ...) == (False, None)
    assert check({"type": "boolean"}, "maybe")[1] == ["请选择是或否"]


OPTIONS = [{"value": "pass", "label": "合格"}, {"value": "fail", "label": "不合格"},
           {"value": "na", "label": "不适用"}]


def test_select():
    field = {"type": "select", "options": OPTIONS}
    assert check(field, "fail") == ("fail", None)
    assert check(field, "") == (None, None)
    assert check(field, "FAIL")[1] == ["请选择有效的选项"]
    assert check(field, ["fail"])[1] == ["请选择有效的选项"]
    assert check(dict(field, required=True), "")[1] == ["必填项"]


def test_multiselect():
    field = {"type": "multiselect", "options": OPTIONS}
    assert check(field, ["na", "pass", "na"]) == (["pass", "na"], None)
    assert check(field, "fail") == (["fail"], None)
    assert check(field, []) == ([], None)
    assert check(field, ["pass", "bogus", "x"])[1] == ["包含无效的选项：bogus、x"]
    assert check(field, [1])[1] == ["数据格式无效"]
    assert check(dict(field, required=True), [])[1] == ["必填项"]


# --- uscc / attachments --------------------------------------------------------------

def test_uscc():
    assert check({"type": "uscc"}, " 91350100m000100y43 ") == ("91350100M000100Y43", None)
    assert check({"type": "uscc"}, "91350100M000100Y44")[1] == ["统一社会信用代码校验位错误"]
    assert check({"type": "uscc"}, "9135")[1] == ["统一社会信用代码应为 18 位"]
    assert check({"type": "uscc"}, "")[0] is None


def test_attachments():
    assert check({"type": "attachments"}, [3, "4", 3]) == ([3, 4], None)
    assert check({"type": "attachments"}, "7") == ([7], None)
    assert check({"type": "attachments"}, ...) == ([], None)
    for bad in (["x"], [0], [-1], [True], [1.5]):
        assert check({"type": "attachments"}, bad)[1] == ["附件编号无效"], bad
    assert check({"type": "attachments", "required": True}, [])[1] == ["必填项"]


# --- tables ---------------------------------------------------------------------------

def test_table_cell_errors_use_flat_keys(form):
    rows = [{"item": "导体电阻"}, {"limit": "x", "is_safety": "maybe"}, "not a row"]
    clean, errors = validate_submission(form, valid_input(failed_items=rows))
    assert errors == {
        "failed_items[1].item": ["必填项"],
        "failed_items[1].is_safety": ["请选择是或否"],
        "failed_items[2]": ["行数据格式无效"],
    }
    assert "failed_items" not in clean  # never half-cleaned


def test_table_row_counts_and_type(form):
    row = {"item": "x"}
    assert validate_submission(form, valid_input(failed_items=[]))[1] == {"failed_items": ["至少填写 1 行"]}
    assert validate_submission(form, valid_input(failed_items=[row] * 4))[1] == {
        "failed_items": ["最多填写 3 行"]}
    assert validate_submission(form, valid_input(failed_items={"0": row}))[1] == {
        "failed_items": ["表格数据格式无效"]}


def test_table_unknown_and_readonly_columns_dropped():
    form = load_form_dict({"key": "k", "title": "标题", "fields": [{
        "name": "rows", "label": "行", "type": "table", "columns": [
            {"name": "a", "label": "甲", "type": "integer", "required": True},
            {"name": "b", "label": "乙", "type": "text", "readonly": True}]}]})
    clean, errors = validate_submission(form, {"rows": [{"a": "2", "b": "x", "c": "y"}]})
    assert errors == {} and clean == {"rows": [{"a": 2}]}


# --- drafts -------------------------------------------------------------------------

def test_draft_skips_required_but_checks_types(form):
    clean, errors = validate_submission(form, {"notice_date": "2024-05-06"}, draft=True)
    assert errors == {}
    assert clean["notice_date"] == "2024-05-06" and clean["enterprise_uscc"] is None
    assert clean["failed_items"] == []
    _, errors = validate_submission(
        form, {"notice_date": "昨天", "enterprise_uscc": "91350100M000100Y44",
               "failed_items": [{"limit": "x"}], "fine_amount": "1.234"}, draft=True)
    assert errors == {
        "notice_date": ["请输入有效的日期（如 2024-01-31）"],
        "enterprise_uscc": ["统一社会信用代码校验位错误"],
        "fine_amount": ["最多保留 2 位小数"],
    }


def test_default_applies_only_when_key_absent():
    field = {"type": "decimal", "places": 2, "default": 100}
    assert check(field, ...) == ("100.00", None)
    assert check(field, "") == (None, None)
    assert check({"type": "integer", "required": True, "default": 3}, ...) == (3, None)


def test_decimal_bounds_are_decimal(form):
    assert form.field("fine_amount").max == decimal.Decimal("100000000")
