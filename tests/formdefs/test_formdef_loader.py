"""Loading form files: strict validation, Chinese error messages, the registry."""

import copy
import datetime as dt
import decimal
import json
import os
import shutil
from pathlib import Path

import pytest

from app.formdefs import FormDefError, FormRegistry, UnknownFormKey, load_form, load_form_dict

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "failed_sample_notice.json"


def good_dict():
    return json.loads(GOOD.read_text(encoding="utf-8"))


def problems_of(data):
    with pytest.raises(FormDefError) as info:
        load_form_dict(data, source="test")
    return info.value.problems


def with_field(**field):
    base = {"name": "f", "label": "字段", "type": "text"}
    base.update(field)
    return {"key": "k", "title": "标题", "fields": [base]}


def test_good_fixture_loads():
    form = load_form(GOOD)
    assert form.key == "failed_sample_notice"
    assert form.title_for("zh") == "不合格检验结果告知"
    assert form.title_for("en_US") == "Notice of failed test result"
    fine = form.field("fine_amount")
    assert fine.min == 0 and fine.max == decimal.Decimal(100000000) and fine.places == 2
    assert form.field("notice_date").min == dt.date(2020, 1, 1)
    table = form.field("failed_items")
    assert [c.name for c in table.columns] == ["item", "limit", "measured", "is_safety"]
    assert table.column("item").max_length == 100
    assert form.field("case_no").readonly
    assert "case_no" not in [f.name for f in form.editable_fields()]


def test_label_and_option_helpers():
    form = load_form(GOOD)
    cat = form.field("product_category")
    assert cat.label_for() == "产品类别" and cat.label_for("en") == "Product category"
    assert cat.option_label("rebar") == "钢筋"
    assert cat.option_label("rebar", "en") == "Steel rebar"
    assert cat.option_label("unknown") == "unknown"
    assert cat.option_labels()[0] == ("hazardous_chemicals", "危险化学品")
    assert form.field("sample_no").help_for("en") == "Two capital letters and six digits"
    with pytest.raises(KeyError):
        form.field("nope")


def test_to_dict_round_trips():
    form = load_form(GOOD)
    assert load_form_dict(form.to_dict()) == form


def test_json_syntax_error_has_line_number():
    with pytest.raises(FormDefError) as info:
        load_form(FIXTURES / "bad_syntax.json")
    err = info.value
    assert err.filename.endswith("bad_syntax.json")
    assert "第 5 行" in str(err) and "JSON 语法错误" in str(err)


def test_key_must_equal_file_name():
    with pytest.raises(FormDefError) as info:
        load_form(FIXTURES / "key_mismatch.json")
    assert "与文件名「key_mismatch.json」不一致" in str(info.value)


def test_duplicate_json_property():
    with pytest.raises(FormDefError) as info:
        load_form(FIXTURES / "duplicate_json_key.json")
    assert "属性「required」重复出现" in str(info.value)


def test_every_problem_is_listed_with_its_field():
    with pytest.raises(FormDefError) as info:
        load_form(FIXTURES / "many_problems.json")
    err = info.value
    text = str(err)
    assert text.startswith("表单定义「") and f"有 {len(err.problems)} 处错误" in text
    by_field = {}
    for name, msg in err.problems:
        by_field.setdefault(name, []).append(msg)
    assert "未知的属性「requird」" in by_field["notice_date"]
    assert "字段名重复" in by_field["notice_date"]
    assert any("字段类型「money」无效" in m for m in by_field["amount"])
    assert any("options" in m for m in by_field["category"])
    assert any("min（10）不能大于 max（1）" in m for m in by_field["count"])
    assert any("正则表达式" in m for m in by_field["code"])
    assert any("嵌套" in m for m in by_field["items.sub"])
    assert "字段「count」：min（10）不能大于 max（1）" in err.messages


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk_form.json"
    path.write_bytes('{"key": "gbk_form", "title": "标题", "fields": []}'.encode("gbk"))
    with pytest.raises(FormDefError, match="UTF-8"):
        load_form(path)


def test_utf8_bom_accepted(tmp_path):
    path = tmp_path / "bom_form.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"key": "bom_form", "title": "标题", "fields": []}).encode())
    assert load_form(path).key == "bom_form"


def test_nan_rejected(tmp_path):
    path = tmp_path / "nan_form.json"
    path.write_text('{"key": "nan_form", "title": "标题", "fields": [{"name": "n", "label": "数",'
                    ' "type": "decimal", "max": NaN}]}', encoding="utf-8")
    with pytest.raises(FormDefError, match="NaN"):
        load_form(path)


def test_top_level_problems():
    probs = problems_of({"key": "Bad Key", "title": "", "fields": "x", "version": 2})
    msgs = [m for _, m in probs]
    assert "未知的属性「version」" in msgs
    assert any("表单标识「Bad Key」" in m for m in msgs)
    assert "title 应为非空字符串" in msgs
    assert any("fields" in m for m in msgs)
    assert problems_of([1, 2]) == [(None, "表单定义应为 JSON 对象")]


@pytest.mark.parametrize("field, where, fragment", [
    ({"name": "Notice"}, "#1", "小写字母"),
    ({"name": "_secret"}, "#1", "不能以下划线开头"),
    ({"name": "pass"}, "#1", "Python 关键字"),
    ({"name": "2nd"}, "#1", "小写字母"),
    ({"label": "Notice date"}, "f", "应为中文"),
    ({"label": ""}, "f", "label 应为非空字符串"),
    ({"type": "dat"}, "f", "字段类型「dat」无效"),
    ({"requird": True}, "f", "未知的属性「requird」"),
    ({"min": 1}, "f", "属性「min」不适用于 text 类型的字段"),
    ({"required": "yes"}, "f", "required 应为 true 或 false"),
    ({"readonly": True, "required": True}, "f", "只读字段不能设为必填"),
    ({"max_length": 0}, "f", "max_length 应为不小于 1 的整数"),
    ({"min_length": 5, "max_length": 2}, "f", "min_length（5）不能大于 max_length（2）"),
    ({"pattern": "(unclosed"}, "f", "正则表达式 pattern 无效"),
    ({"type": "select"}, "f", "非空的选项列表"),
    ({"type": "select", "options": []}, "f", "非空的选项列表"),
    ({"type": "multiselect", "options": [{"value": "a", "label": "甲"}, {"value": "a", "label": "乙"}]},
     "f", "选项值「a」重复"),
    ({"type": "select", "options": [{"value": "a"}]}, "f", "选项「a」缺少 label"),
    ({"type": "select", "options": [{"value": "a", "label": "甲", "lable_en": "A"}]}, "f", "未知的属性「lable_en」"),
    ({"type": "select", "options": [{"value": 1, "label": "甲"}]}, "f", "value 应为非空字符串"),
    ({"type": "integer", "min": 1.5}, "f", "min 应为整数"),
    ({"type": "integer", "min": 5, "max": 1}, "f", "min（5）不能大于 max（1）"),
    ({"type": "decimal", "max": "abc"}, "f", "max 应为数字"),
    ({"type": "decimal", "places": 11}, "f", "places 不能大于 10"),
    ({"type": "date", "min": "2024/01/01"}, "f", "ISO 格式日期"),
    ({"type": "date", "min": "2024-02-01", "max": "2024-01-01"}, "f", "不能大于"),
    ({"type": "table"}, "f", "columns"),
    ({"type": "table", "columns": [{"name": "c", "label": "列", "type": "text"}], "min_rows": 3, "max_rows": 1},
     "f", "min_rows（3）不能大于 max_rows（1）"),
    ({"type": "table", "columns": [{"name": "c", "label": "列", "type": "text"},
                                   {"name": "c", "label": "列", "type": "text"}]}, "f.c", "字段名重复"),
    ({"type": "table", "columns": [{"name": "c", "label": "列", "type": "text", "maxlen": 3}]},
     "f.c", "未知的属性「maxlen」"),
    ({"type": "integer", "default": "abc"}, "f", "默认值 default 无效：请输入整数"),
    ({"type": "select", "options": [{"value": "a", "label": "甲"}], "default": "b"}, "f", "默认值 default 无效"),
    ({"type": "uscc", "default": "91350100M000100Y44"}, "f", "校验位错误"),
])
def test_field_problems(field, where, fragment):
    probs = problems_of(with_field(**field))
    assert any(name == where and fragment in msg for name, msg in probs), probs


def test_duplicate_field_names():
    data = with_field()
    data["fields"].append(copy.deepcopy(data["fields"][0]))
    assert problems_of(data) == [("f", "字段名重复")]


def test_valid_defaults_accepted():
    form = load_form_dict(with_field(type="decimal", places=2, default=0))
    assert form.field("f").default == 0


# --- registry ---------------------------------------------------------------

@pytest.fixture
def forms_dir(tmp_path):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    shutil.copy(FIXTURES / "minimal_form.json", tmp_path / "minimal_form.json")
    return tmp_path


def test_registry_get_and_keys(forms_dir):
    reg = FormRegistry(forms_dir)
    assert reg.keys() == ["failed_sample_notice", "minimal_form"]
    form = reg.get("minimal_form")
    assert form.title == "确认"
    assert reg.get("minimal_form") is form  # cached


def test_registry_unknown_key(forms_dir):
    reg = FormRegistry(forms_dir)
    with pytest.raises(UnknownFormKey) as info:
        reg.get("no_such_form")
    assert isinstance(info.value, KeyError)
    assert str(info.value).startswith("表单「no_such_form」不存在")
    # Path tricks never reach the file system.
    with pytest.raises(UnknownFormKey):
        reg.get("../failed_sample_notice")


def test_registry_reloads_changed_file(forms_dir):
    reg = FormRegistry(forms_dir)
    path = forms_dir / "minimal_form.json"
    first = reg.get("minimal_form")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["title"] = "确认无误"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    second = reg.get("minimal_form")
    assert second is not first and second.title == "确认无误"
    reg.reload()
    assert reg.get("minimal_form") is not second


def test_registry_malformed_file_raises(forms_dir):
    (forms_dir / "broken.json").write_text("{", encoding="utf-8")
    reg = FormRegistry(forms_dir)
    with pytest.raises(FormDefError):
        reg.get("broken")


def test_registry_check_all(forms_dir):
    reg = FormRegistry(forms_dir)
    assert reg.check_all() == []
    shutil.copy(FIXTURES / "bad_syntax.json", forms_dir / "bad_syntax.json")
    shutil.copy(FIXTURES / "minimal_form.json", forms_dir / "Bad-Name.json")
    errors = reg.check_all()
    assert sorted(Path(e.filename).name for e in errors) == ["Bad-Name.json", "bad_syntax.json"]
    assert "Bad-Name" not in reg


def test_registry_missing_keys(forms_dir):
    reg = FormRegistry(forms_dir)
    keys = ["failed_sample_notice", "minimal_form", "retest_request", None, "", "../x"]
    assert reg.missing_keys(keys) == {"retest_request", "../x"}
    assert FormRegistry(forms_dir / "absent").missing_keys(["a"]) == {"a"}
    assert FormRegistry(forms_dir / "absent").keys() == []
