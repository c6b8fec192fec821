"""Fixtures for the process-administration tests: a logged-in process admin, a forms directory, BPMN text."""
import json

import pytest

from tests.engine.samples import HEAD, props

FORM = {"key": "admin_review_form", "title": "审核意见",
        "fields": [{"name": "comment", "label": "意见", "type": "textarea"}]}


@pytest.fixture()
def forms_dir(app, tmp_path):
    """A forms directory holding one form (admin_review_form), installed as FORMS_DIR for the test."""
    (tmp_path / f"{FORM['key']}.json").write_text(json.dumps(FORM, ensure_ascii=False), "utf-8")
    previous = app.config["FORMS_DIR"]
    app.config["FORMS_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["FORMS_DIR"] = previous


@pytest.fixture()
def admin_user(make_user):
    return make_user("350000", departments=("it_office",), roles=("staff", "process_admin"))


@pytest.fixture()
def admin_client(client, admin_user, forms_dir):
    """The test client logged in as a process admin."""
    response = client.post("/login", data={"username": admin_user.username, "password": "pw-123456"})
    assert response.status_code == 302
    return client


def flow_xml(key="admin_flow", form_key="admin_review_form", condition="approved == True", extra="",
             name="审核流程"):
    """start -> review (user task) -> gateway -> end_ok | end_no, plus `extra` elements."""
    return HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="start" name="开始"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="审核">{props("quality_supervision", form_key=form_key)}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="是否通过" default="f_no"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="end_ok">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_no"/>
    <bpmn:endEvent id="end_ok" name="通过"/>
    <bpmn:endEvent id="end_no" name="退回"/>{extra}
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def bpmn():
    return flow_xml
