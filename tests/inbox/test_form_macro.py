"""formdefs/fields.html: what a page shows is what the browser sends back, for every field type and
every real form in forms/ (the rendered controls are read like a browser submits them)."""
import random
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app.formdefs.loader import FormRegistry, load_form_dict
from app.formdefs.schema import validate_submission
from app.seed.autofill import sample_form_data

FORMS = Path(__file__).resolve().parents[2] / "forms"
ALL_TYPES = load_form_dict({
    "key": "all_types", "title": "全部字段类型",
    "fields": [
        {"name": "title", "label": "标题", "type": "text", "required": True},
        {"name": "notes", "label": "说明", "type": "textarea"},
        {"name": "count", "label": "数量", "type": "integer"},
        {"name": "amount", "label": "金额", "type": "decimal", "places": 2},
        {"name": "day", "label": "日期", "type": "date"},
        {"name": "moment", "label": "时间", "type": "datetime"},
        {"name": "flag", "label": "是否", "type": "boolean"},
        {"name": "level", "label": "级别", "type": "select",
         "options": [{"value": "province", "label": "省级"}, {"value": "city", "label": "市级"}]},
        {"name": "tags", "label": "标签", "type": "multiselect",
         "options": [{"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}, {"value": "c", "label": "丙"}]},
        {"name": "uscc", "label": "信用代码", "type": "uscc"},
        {"name": "files", "label": "附件", "type": "attachments"},
        {"name": "source", "label": "来源", "type": "text", "readonly": True},
        {"name": "rows", "label": "明细", "type": "table", "columns": [
            {"name": "item", "label": "项目", "type": "text", "required": True},
            {"name": "ok", "label": "合格", "type": "boolean"},
            {"name": "value", "label": "数值", "type": "decimal"},
            {"name": "kind", "label": "类别", "type": "select", "options": [{"value": "x", "label": "X"}]},
        ]},
    ],
})
MACRO = ('{% import "formdefs/fields.html" as forms %}'
         '{{ forms.render_fields(form, values, errors, attachments=attachments, facts=facts) }}')


class _Controls(HTMLParser):
    """Collects what a browser would submit from the rendered controls (template rows excluded)."""

    def __init__(self):
        super().__init__()
        self.data = MultiDict()
        self.in_template = 0
        self.select = None
        self.select_first = None
        self.select_chosen = None
        self.textarea = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "checkbox" and "checked" not in a:
                return
            self.data.add(a["name"], a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = a["name"], None, None
        elif tag == "option" and self.select:
            if self.select_first is None:
                self.select_first = a.get("value", "")
            if "selected" in a:
                self.select_chosen = a.get("value", "")
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        elif tag == "select" and self.select and not self.in_template:
            self.data.add(self.select, self.select_chosen if self.select_chosen is not None else self.select_first)
            self.select = None
        elif tag == "textarea" and self.textarea and not self.in_template:
            self.data.add(self.textarea, self.text)
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def _round_trip(app, form, values, attachments=(), facts=None):
    with app.test_request_context("/"):
        html = render_template_string(MACRO, form=form, values=values, errors={}, attachments=list(attachments),
                                      facts=facts or {})
    parser = _Controls()
    parser.feed(html)
    return html, validate_submission(form, parser.data)


def test_every_field_type_round_trips(app):
    values = {"title": "第一批", "notes": "多行\n说明", "count": 3, "amount": "12.50", "day": "2026-03-02",
              "moment": "2026-03-02T01:30:00+00:00", "flag": True, "level": "city", "tags": ["a", "c"],
              "uscc": "91350100M000100Y43", "files": [7],
              "rows": [{"item": "标识", "ok": True, "value": "1.5", "kind": "x"},
                       {"item": "厚度", "ok": False, "value": None, "kind": None}]}
    html, (clean, errors) = _round_trip(app, ALL_TYPES, values, attachments=[(7, "报告.pdf"), (8, "照片.jpg")],
                                        facts={"source": "抽检"})
    assert errors == {}
    assert clean == values
    assert 'value="2026-03-02T09:30"' in html  # the UTC time shown in Beijing time
    assert "抽检" in html and 'name="source"' not in html  # read-only: shown, never sent


def test_blank_form_sends_nothing_but_blanks(app):
    html, (clean, errors) = _round_trip(app, ALL_TYPES, {})
    assert errors == {"title": ["必填项"]}
    assert clean["flag"] is False and clean["tags"] == [] and clean["rows"] == []
    assert "本案件暂无附件" in html


@pytest.mark.skipif(not FORMS.is_dir(), reason="forms/ 尚未提交")
def test_every_real_form_round_trips(app):
    registry = FormRegistry(FORMS)
    assert registry.keys()
    for key in registry:
        form = registry.get(key)
        sample = sample_form_data(form, random.Random(5))
        expected, problems = validate_submission(form, sample)
        assert problems == {}, (key, problems)
        # Datetimes are edited to the minute in the browser.
        for f in form.fields:
            if f.type == "datetime" and expected.get(f.name):
                expected[f.name] = expected[f.name][:16] + ":00+00:00"
        _html, (clean, errors) = _round_trip(app, form, expected)
        assert errors == {}, (key, errors)
        assert clean == expected, key
