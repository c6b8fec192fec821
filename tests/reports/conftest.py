"""Fixtures of the report tests: a small disposal process run by the real engine, case helpers."""

import pytest
from freezegun import freeze_time

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')


def _props(department, due_rule):
    return ("<bpmn:extensionElements><spiffworkflow:properties>"
            f'<spiffworkflow:property name="department" value="{department}"/>'
            '<spiffworkflow:property name="formKey" value="test_form"/>'
            '<spiffworkflow:property name="orgLevel" value="county"/>'
            f'<spiffworkflow:property name="dueRule" value="{due_rule}"/>'
            "</spiffworkflow:properties></bpmn:extensionElements>")


# Stand-in for processes/failed_sample_disposal.bpmn while the real one is being written: one
# written-notice task (county quality supervision, 2 working days), then the case closes.
DISPOSAL_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="Defs_rp" targetNamespace="http://qsflow.test">
  <bpmn:process id="failed_sample_disposal" name="不合格产品后处理" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notice"/>
    <bpmn:userTask id="notice" name="书面告知">{_props("quality_supervision", "2WD")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="notice" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""




@pytest.fixture()
def disposal_process(deploy_xml):
    return deploy_xml(DISPOSAL_XML)


@pytest.fixture()
def case_at(make_case):
    """Open a case at a frozen UTC moment (no process unless asked)."""
    def make(when, kind, org_code="350121", facts=None, start_process=False, **kw):
        with freeze_time(when):
            return make_case(kind, org_code=org_code, facts=facts or {}, start_process=start_process, **kw)
    return make


