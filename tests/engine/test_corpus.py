"""The issue-15 corpus: every construct is deployed and run to its end, or refused with a message naming it."""
import re
import time
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.engine import service
from app.engine.errors import DeployError
from app.engine.models import HumanTask, ProcessInstance
from tests.engine import corpus, samples


def ready(db, case_id):
    stmt = select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready").order_by(HumanTask.id)
    return list(db.scalars(stmt))


def instance_of(db, case_id):
    return db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case_id))


def refused(deploy_xml, xml):
    with pytest.raises(DeployError) as err:
        deploy_xml(xml)
    return err.value.problems


def test_multi_process_file_runs_and_later_deploys_still_work(db_session, deploy_xml, make_case, make_user):
    results = deploy_xml(corpus.multi_process())
    assert sorted(r.key for r in results) == ["corpus_main", "corpus_sub"]
    # Before the fix every later spiff deploy failed with "Duplicate process ID".
    assert deploy_xml(samples.review_process())[0].is_new
    changed = deploy_xml(corpus.multi_process(title="主流程（修订）"))
    assert {r.key: r.version for r in changed} == {"corpus_main": 2, "corpus_sub": 2}
    assert deploy_xml(samples.review_process(condition="approved"))[0].version == 2
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case("corpus_main")
    [task] = ready(db_session, case.id)
    assert task.spec_name == "s_task"
    assert service.complete_task(task.id, clerk, {}).status == "completed"


def test_same_process_twice_in_one_bundle_refused_in_chinese(db_session):
    from app.engine.deploy import deploy_files

    with pytest.raises(DeployError) as err:
        deploy_files({"a.bpmn": corpus.multi_process().encode(), "b.bpmn": corpus.multi_process().encode()},
                     form_exists=None)
    assert any("corpus_main" in p.message and "不止一次" in p.message for p in err.value.problems)


@pytest.mark.parametrize("tag", ["manualTask", "task", "serviceTask", "sendTask"])
def test_unreachable_task_types_refused_naming_the_element(db_session, deploy_xml, tag):
    problem = refused(deploy_xml, corpus.task_of_type(tag))[0]
    assert problem.element == "odd" and "特殊任务" in problem.message and tag in problem.message


def test_camunda_service_task_refused_not_500(db_session, deploy_xml):
    problems = refused(deploy_xml, corpus.camunda_service_task())
    assert {p.element for p in problems} == {"notify"} and "服务任务" in problems[0].message


def test_camunda_unknown_candidate_group_refused_listing_known(db_session, deploy_xml):
    [problem] = refused(deploy_xml, corpus.camunda_groups(groups="quality_supervision,sales"))
    assert problem.element == "work" and "“sales”不存在" in problem.message and "enforcement" in problem.message


@freeze_time("2026-09-28 02:00:00")
def test_camunda_due_date_duration_read_as_due_rule(db_session, deploy_xml, make_case):
    [result] = deploy_xml(corpus.camunda_groups(due="P5D"))
    case = make_case(result.key)
    [task] = ready(db_session, case.id)
    assert task.due_rule == "5D" and task.due_at is not None and task.due_at > task.created_at + timedelta(days=4)


def test_camunda_due_date_unreadable_refused(db_session, deploy_xml):
    [problem] = refused(deploy_xml, corpus.camunda_groups(due="next week"))
    assert "camunda:dueDate" in problem.message


def test_generated_lane_id_not_read_as_department(db_session, deploy_xml):
    [problem] = refused(deploy_xml, corpus.lane_process(lane_id="Lane_0rpib5y"))
    assert problem.element == "work" and "Lane_0rpib5y" in problem.message and "quality_supervision" in problem.message


def test_lane_named_after_a_department_routes(db_session, deploy_xml, make_case):
    [result] = deploy_xml(corpus.lane_process(lane_id="Lane_enforcement"))
    [task] = ready(db_session, make_case(result.key).id)
    assert task.department_code == "enforcement"


def test_unknown_department_refused_listing_known_codes(db_session, deploy_xml):
    xml = samples.review_process().replace('value="enforcement"', 'value="sales_dept"')
    [problem] = refused(deploy_xml, xml)
    assert problem.element == "act" and "sales_dept" in problem.message and "quality_supervision" in problem.message


def test_parser_failure_keeps_the_other_findings(db_session, deploy_xml):
    xml = samples.review_process().replace('default="f_no"', "").replace('value="enforcement"', 'value="nope"')
    elements = {p.element for p in refused(deploy_xml, xml)}
    assert "act" in elements and len(elements) >= 2


def test_event_subprocess_message_start_runs_beside_the_work(db_session, deploy_xml, make_case, make_user):
    [result] = deploy_xml(corpus.event_subprocesses())
    clerk = make_user("350121", ["quality_supervision"])
    head = make_user("350121", ["enforcement"])
    case = make_case(result.key)
    assert [c["message"] for c in db_session.get(ProcessInstance, instance_of(db_session, case.id).id)
            .definition.meta["catches"]] == ["withdraw"]
    service.send_message(case.id, "withdraw", {})
    work, withdrawal = ready(db_session, case.id)
    assert (work.spec_name, withdrawal.spec_name) == ("work", "m_task")
    service.complete_task(withdrawal.id, head, {})
    assert service.complete_task(work.id, clerk, {}).status == "completed"


def test_interrupting_event_subprocess_refused(db_session, deploy_xml):
    [problem] = refused(deploy_xml, corpus.event_subprocesses(interrupting=True))
    assert problem.element == "m_start" and "中断" in problem.message


def test_event_subprocess_timer_start_fires_and_the_process_still_ends(db_session, deploy_xml, make_case,
                                                                       make_user):
    [result] = deploy_xml(corpus.event_subprocesses())
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case(result.key)
    inst = instance_of(db_session, case.id)
    assert inst.next_timer_at is not None
    with freeze_time(inst.next_timer_at + timedelta(minutes=1)):
        service.fire_timers(inst.id)
    [task] = ready(db_session, case.id)  # non-interrupting: the work stays
    assert service.complete_task(task.id, clerk, {}).status == "completed"


def test_untriggered_timer_event_subprocess_does_not_keep_the_instance_alive(db_session, deploy_xml, make_case,
                                                                            make_user):
    [result] = deploy_xml(corpus.event_subprocesses())
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case(result.key)
    [task] = ready(db_session, case.id)
    assert service.complete_task(task.id, clerk, {}).status == "completed"
    assert instance_of(db_session, case.id).next_timer_at is None


def test_error_start_event_subprocess_takes_over_when_the_error_is_thrown(db_session, deploy_xml, make_case,
                                                                         make_user):
    [result] = deploy_xml(corpus.event_subprocesses(error_start="errorEventDefinition"))
    clerk = make_user("350121", ["quality_supervision"])
    head = make_user("350121", ["enforcement"])
    case = make_case(result.key)
    [task] = ready(db_session, case.id)  # the error subprocess waits: nothing runs before the error
    assert task.spec_name == "work"
    service.complete_task(task.id, clerk, {"fail": True})
    [handler] = ready(db_session, case.id)
    assert handler.spec_name == "e_task"
    assert service.complete_task(handler.id, head, {}).status == "completed"
    # Without the error the event subprocess never runs and the instance ends.
    case = make_case(result.key)
    [task] = ready(db_session, case.id)
    assert service.complete_task(task.id, clerk, {"fail": False}).status == "completed"


def test_escalation_start_event_subprocess_refused(db_session, deploy_xml):
    xml = corpus.event_subprocesses(error_start="escalationEventDefinition").replace(
        'escalationEventDefinition errorRef="err_check"', 'escalationEventDefinition')
    problem = refused(deploy_xml, xml)[0]
    assert problem.element == "e_start" and "错误处理" in problem.message


def test_modeler_check_finds_event_subprocesses_reachable(db_session, app):
    from app.engine.lint import lint_bpmn

    problems = lint_bpmn(corpus.event_subprocesses().encode())
    assert problems and not any("无法到达" in p.message for p in problems)


def test_data_driven_timer_error_is_an_incident_and_work_is_kept(db_session, deploy_xml, make_case, make_user):
    [result] = deploy_xml(corpus.data_timer())
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case(result.key)
    [task] = ready(db_session, case.id)
    outcome = service.complete_task(task.id, clerk, {"wait_for": "15 days"})
    inst = instance_of(db_session, case.id)
    assert (outcome.status, inst.status, inst.error_element) == ("error", "error", "wait")
    assert "等待期限" in inst.error_message
    assert db_session.get(HumanTask, task.id).status == "completed"  # the user's work is kept
    service.retry_instance(inst.id, None, {"wait_for": "P1D"})
    assert inst.status == "waiting" and inst.next_timer_at is not None


def test_data_driven_timer_error_at_start(db_session, deploy_xml, make_case):
    xml = corpus.data_timer().replace('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>',
                                      '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>')
    xml = xml.replace('<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>',
                      '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>')
    xml = xml.replace('<bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="end"/>',
                      '<bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="work"/>')
    [result] = deploy_xml(xml)
    case = make_case(result.key, facts={"wait_for": "soon"})
    inst = instance_of(db_session, case.id)
    assert (inst.status, inst.error_element) == ("error", "wait")


def test_empty_pre_and_post_scripts_accepted(db_session, deploy_xml, make_case, make_user):
    [result] = deploy_xml(corpus.script_process("total = 1"))
    clerk = make_user("350121", ["quality_supervision"])
    [task] = ready(db_session, make_case(result.key).id)
    assert service.complete_task(task.id, clerk, {}).status == "completed"


@pytest.mark.parametrize("script", [
    "x = 'a'.ljust(10**8)", "x = '%0100000000d' % 1", "x = f'{1:100000000}'", "x = 'ab'.center(10**9)",
    "x = '-'.join(['a' * 1000] * 1000)", "x = ('a' * 1000000).replace('a', 'aa')",
    "x = 'a'\nfor i in range(40):\n    x = x + x", "x = str.zfill('1', 10**8)", "x = 'a\\t' * 1000\nx = x.expandtabs(10**6)",
])
def test_string_size_tricks_stop_fast_as_an_incident(db_session, deploy_xml, make_case, make_user, script):
    [result] = deploy_xml(corpus.script_process(script))
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case(result.key)
    [task] = ready(db_session, case.id)
    started = time.perf_counter()
    outcome = service.complete_task(task.id, clerk, {})
    assert time.perf_counter() - started < 2
    inst = instance_of(db_session, case.id)
    assert (outcome.status, inst.error_element) == ("error", "calc") and "过大" in inst.error_message


def test_small_strings_still_build(db_session, deploy_xml, make_case, make_user):
    script = "x = 'a'.ljust(5) + '%03d' % 7 + f'{2:>4}' + '-'.join(['a', 'b']) + 'ab'.replace('a', 'c')"
    [result] = deploy_xml(corpus.script_process(script + "\ny = 17 % 5"))
    clerk = make_user("350121", ["quality_supervision"])
    [task] = ready(db_session, make_case(result.key).id)
    assert service.complete_task(task.id, clerk, {}).status == "completed"


def test_spiff_service_task_findings_are_all_chinese(db_session, deploy_xml):
    problems = refused(deploy_xml, corpus.task_of_type("serviceTask"))
    assert all(re.search(r"[\u4e00-\u9fff]", p.message) and "must have" not in p.message for p in problems)


def test_camunda_service_task_in_the_modeler_check_is_a_finding_not_a_500(db_session, app):
    from app.engine.lint import lint_bpmn

    problems = lint_bpmn(corpus.camunda_service_task().encode())
    assert any(p.element == "notify" and "服务任务" in p.message for p in problems)
