"""Camunda Modeler 7 generated forms (camunda:formData) become FormDefs."""

import pytest

from app.formdefs import FormDefError, form_from_camunda, load_form_dict, validate_submission
from app.formdefs.checks import parse_form

FIELDS = [
    {"id": "approved", "label": "是否批准", "type": "boolean", "defaultValue": "false",
     "validation": [{"name": "required", "config": None}]},
    {"id": "reasonText", "label": "理由", "type": "string", "defaultValue": None,
     "validation": [{"name": "maxlength", "config": "20"}, {"name": "minlength", "config": "2"}]},
    {"id": "sampleCount", "label": "样品数", "type": "long", "defaultValue": "2",
     "validation": [{"name": "min", "config": "1"}, {"name": "max", "config": "10"}]},
    {"id": "dueDate", "label": "期限", "type": "date", "defaultValue": "31/12/2024",
     "validation": [{"name": "min", "config": "01/01/2024"}, {"name": "max", "config": "2025-12-31"}]},
    {"id": "level", "label": "风险等级", "type": "enum", "defaultValue": "low",
     "values": [{"id": "low", "name": "低"}, {"id": "high", "name": "高"}, {"id": "x", "name": None}],
     "validation": [{"name": "required", "config": None}]},
    {"id": "caseNo", "label": "案件编号", "type": "string",
     "validation": [{"name": "readonly", "config": None}, {"name": "required", "config": None}]},
    {"id": "note", "type": "string"},
]


@pytest.fixture(scope="module")
def form():
    return form_from_camunda("Task_Review", FIELDS, "审核")


def test_conversion(form):
    assert form.key == "Task_Review" and form.title == "审核"
    f = {fd.name: fd for fd in form.fields}
    assert f["approved"].type == "boolean" and f["approved"].default is False
    assert f["reasonText"].type == "text"
    assert (f["reasonText"].min_length, f["reasonText"].max_length) == (2, 20)
    assert f["sampleCount"].type == "integer" and (f["sampleCount"].min, f["sampleCount"].max) == (1, 10)
    assert f["sampleCount"].default == 2
    assert f["dueDate"].default == "2024-12-31" and str(f["dueDate"].min) == "2024-01-01"
    assert f["level"].type == "select" and f["level"].required
    assert f["level"].option_labels() == [("low", "低"), ("high", "高"), ("x", "x")]
    # readonly wins over required: the value comes from the process.
    assert f["caseNo"].readonly and not f["caseNo"].required
    assert f["note"].label == "note"  # no label in the modeler: the id is shown


def test_round_trip_keeps_camel_case_ids(form):
    # camelCase ids are process variables and must survive unchanged; forms/ files
    # (load_form_dict) still insist on snake_case names.
    assert parse_form(form.to_dict(), "x", strict=False) == form
    assert "reasonText" in form.field_names()
    with pytest.raises(FormDefError, match="小写字母"):
        load_form_dict(form.to_dict())


def test_generated_form_validates(form):
    clean, errors = validate_submission(form, {"reasonText": "同意", "level": "high", "caseNo": "x"})
    assert errors == {}
    assert clean == {"approved": False, "reasonText": "同意", "sampleCount": 2,
                     "dueDate": "2024-12-31", "level": "high", "note": None}
    _, errors = validate_submission(
        form, {"reasonText": "a" * 21, "sampleCount": "0", "dueDate": "2023-06-01", "level": ""})
    assert errors == {
        "reasonText": ["长度不能超过 20 个字符"], "sampleCount": ["不能小于 1"],
        "dueDate": ["不能早于 2024-01-01"], "level": ["必填项"],
    }


@pytest.mark.parametrize("field, fragment", [
    ({"id": "x", "type": "customType"}, "不支持的 Camunda 字段类型「customType」"),
    ({"id": "x", "type": "string", "validation": [{"name": "validator", "config": "com.acme.V"}]},
     "不支持的 Camunda 校验约束「validator」"),
    ({"id": "x", "type": "boolean", "validation": [{"name": "maxlength", "config": "3"}]},
     "约束「maxlength」只适用于 string 类型字段"),
    ({"id": "x", "type": "string", "validation": [{"name": "min", "config": "3"}]},
     "约束「min」只适用于 long 或 date 类型字段"),
    ({"id": "x", "type": "long", "validation": [{"name": "max", "config": "ten"}]}, "配置值「ten」无效"),
    ({"id": "x", "type": "string", "defaultValue": "${initiator}"}, "JUEL 表达式"),
    ({"id": "x", "type": "long", "defaultValue": "abc"}, "不是有效的 long 值"),
    ({"id": "x", "type": "string", "values": [{"id": "a", "name": "A"}]}, "只有 enum 类型"),
    ({"id": "x", "type": "enum", "values": []}, "非空的选项列表"),
    ({"id": "_x", "type": "string"}, "不能以下划线开头"),
])
def test_unsupported(field, fragment):
    with pytest.raises(FormDefError) as info:
        form_from_camunda("Task_1", [field], "任务")
    assert info.value.filename == "Camunda 任务 Task_1"
    assert fragment in str(info.value), str(info.value)


def test_duplicate_ids_rejected():
    with pytest.raises(FormDefError, match="字段名重复"):
        form_from_camunda("Task_1", [{"id": "a", "type": "string"}, {"id": "a", "type": "long"}], "任务")


def test_all_problems_reported_together():
    with pytest.raises(FormDefError) as info:
        form_from_camunda("Task_1", [{"id": "a", "type": "file"}, {"id": "b", "type": "bytes"}], None)
    assert [name for name, _ in info.value.problems] == ["a", "b"]
