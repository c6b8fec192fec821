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




@pytest.fixture()
def campaign_2026(db_session, make_user):
    """A 2026 province campaign (Thursday 12:00 reports, stage 7/25, annual 12/10) passed on by Fuzhou."""
    from datetime import date

    from app.campaigns.services import acknowledge
    from tests.campaign_helpers import issued_campaign

    with freeze_time("2026-01-01 01:00"):
        campaign = issued_campaign(make_user("350000", roles=("staff", "supervisor")), date(2026, 1, 1),
                                   stage_date=date(2026, 7, 25), annual_date=date(2026, 12, 10))
        acknowledge(make_user("350100"), campaign.id)
    return campaign
