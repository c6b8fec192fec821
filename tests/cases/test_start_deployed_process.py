"""Any deployed process with a start form can be started from the start page by the departments it names."""
from sqlalchemy import select

from app.cases.models import Case
from app.engine.models import HumanTask
from tests.engine.corpus import CAMUNDA_HEAD

XML = CAMUNDA_HEAD.format(key="complaint_intake") + """
  <bpmn:process id="complaint_intake" name="投诉登记" isExecutable="true">
    <bpmn:startEvent id="start" name="登记投诉">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="complainant" label="投诉人" type="string">
          <camunda:validation><camunda:constraint name="required"/></camunda:validation>
        </camunda:formField>
        <camunda:formField id="amount" label="涉案金额" type="long"/>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="核查" camunda:candidateGroups="consumer_protection">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="result" label="核查结果" type="string"/>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_start_form_shown_validated_and_the_case_opened(db_session, deploy_xml, make_user, login_as):
    deploy_xml(XML)
    client = login_as(make_user("350121", ["consumer_protection"]))
    index = client.get("/cases/start").get_data(as_text=True)
    assert "投诉登记" in index and "/cases/start/process/complaint_intake" in index
    page = client.get("/cases/start/process/complaint_intake")
    assert page.status_code == 200 and "投诉人" in page.get_data(as_text=True)
    bad = client.post("/cases/start/process/complaint_intake", data={"complainant": "", "amount": "abc"})
    assert bad.status_code == 400
    ok = client.post("/cases/start/process/complaint_intake", data={"complainant": "张三", "amount": "1200"})
    assert ok.status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "complaint_intake"))
    assert case.facts["complainant"] == "张三" and case.facts["amount"] == 1200
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    assert (task.spec_name, task.department_code) == ("check", "consumer_protection")


def test_departments_the_process_does_not_name_cannot_start_it(db_session, deploy_xml, make_user, login_as):
    deploy_xml(XML)
    client = login_as(make_user("350121", ["credit"]))
    assert "complaint_intake" not in client.get("/cases/start").get_data(as_text=True)
    assert client.get("/cases/start/process/complaint_intake").status_code == 403
    assert client.get("/cases/start/process/no_such_process").status_code == 404
