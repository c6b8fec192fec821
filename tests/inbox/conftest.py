"""Inbox fixtures: test forms in a private forms directory, a two-step process, logged-in clients."""
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

REVIEW_FORM = {
    "key": "inbox_review", "title": "初审意见",
    "fields": [
        {"name": "opinion", "label": "审核意见", "type": "textarea", "required": True, "max_length": 500},
        {"name": "approved", "label": "同意立案", "type": "boolean"},
        {"name": "inspection_date", "label": "检查日期", "type": "date", "required": True, "min": "2020-01-01"},
        {"name": "fine_amount", "label": "拟罚款（元）", "type": "decimal", "places": 2, "min": 0},
        {"name": "sample_count", "label": "抽样批次", "type": "integer", "min": 1, "max": 100},
        {"name": "enterprise_uscc", "label": "企业信用代码", "type": "uscc"},
        {"name": "severity", "label": "隐患等级", "type": "select",
         "options": [{"value": "general", "label": "一般"}, {"value": "major", "label": "重大"}]},
        {"name": "measures", "label": "处置措施", "type": "multiselect",
         "options": [{"value": "stop", "label": "停止生产销售"}, {"value": "recall", "label": "召回"},
                     {"value": "rectify", "label": "责令整改"}]},
        {"name": "hazards", "label": "隐患台账", "type": "table", "columns": [
            {"name": "description", "label": "隐患描述", "type": "text", "required": True},
            {"name": "deadline", "label": "整改期限", "type": "date"},
            {"name": "is_fixed", "label": "已整改", "type": "boolean"},
        ]},
    ],
}
ACT_FORM = {"key": "inbox_act", "title": "立案处理",
            "fields": [{"name": "decision_no", "label": "决定书文号", "type": "text", "required": True}]}

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs" targetNamespace="http://qsflow.test">')


def _props(department, form_key, level, due=""):
    items = [("department", department), ("formKey", form_key), ("orgLevel", level)] + ([("dueRule", due)] if due else [])
    inner = "".join(f'<spiffworkflow:property name="{n}" value="{v}"/>' for n, v in items)
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties></bpmn:extensionElements>"


def two_step_process(key="penalty_case"):
    """review (county quality supervision, 5WD) -> approved? act (city enforcement, 15WD) : end."""
    return HEAD + f"""
  <bpmn:process id="{key}" name="测试流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="初审">{_props("quality_supervision", "inbox_review", "county", "5WD")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f_no"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="act">
      <bpmn:conditionExpression>approved == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end"/>
    <bpmn:userTask id="act" name="立案处理">{_props("enforcement", "inbox_act", "city", "15WD")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="act" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def inbox_forms(app, tmp_path):
    """FORMS_DIR switched to a copy of forms/ plus the inbox test forms, for one test."""
    forms_dir = tmp_path / "forms"
    if (ROOT / "forms").is_dir():
        shutil.copytree(ROOT / "forms", forms_dir)
    else:
        forms_dir.mkdir()
    for form in (REVIEW_FORM, ACT_FORM):
        (forms_dir / f"{form['key']}.json").write_text(json.dumps(form, ensure_ascii=False), "utf-8")
    previous = app.config["FORMS_DIR"]
    app.config["FORMS_DIR"] = str(forms_dir)
    yield forms_dir
    app.config["FORMS_DIR"] = previous


@pytest.fixture()
def two_step(deploy_xml, inbox_forms):
    """The two-step test process deployed under the key penalty_case (a real case kind)."""
    return deploy_xml(two_step_process())


@pytest.fixture()
def open_task(two_step, make_case):
    """Open a penalty case in a bureau; return (case, its first inbox row)."""
    from sqlalchemy import select

    from app.db import db
    from app.engine.models import HumanTask

    def make(org_code="350121", **kw):
        case = make_case("penalty_case", org_code, facts={"reason": "抽检不合格"}, **kw)
        task = db.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))
        return case, task
    return make


