"""Instance operations actions through the pages: each one audited, refusals are 4xx, nothing lost."""
import re

from sqlalchemy import select

from app.audit.models import CaseEvent
from app.engine.models import HumanTask
from tests.engine.test_migration import chain
from tests.operations.conftest import instance_of, open_tasks


def events(db, inst, event_type):
    stmt = select(CaseEvent).where(CaseEvent.instance_id == inst.id, CaseEvent.event_type == event_type)
    return list(db.scalars(stmt))


def test_suspend_and_resume_are_audited(ops_client, ops_admin, review_case, db_session):
    _case, inst = review_case()
    response = ops_client.post(f"/admin/instances/{inst.id}/suspend", data={"reason": "企业申请复议"})
    assert response.status_code == 302
    db_session.refresh(inst)
    assert inst.status == "suspended"
    [event] = events(db_session, inst, "instance_suspended")
    assert (event.actor_id, event.summary) == (ops_admin.id, "企业申请复议")
    page = ops_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "流程实例已挂起" in page and "恢复运行" in page

    assert ops_client.post(f"/admin/instances/{inst.id}/resume", data={"reason": "复议结束"}).status_code == 302
    db_session.refresh(inst)
    assert inst.status == "running" and events(db_session, inst, "instance_resumed")[0].actor_id == ops_admin.id


def test_wrong_state_is_a_409_shown_on_the_page(ops_client, review_case, db_session):
    _case, inst = review_case()
    page = ops_client.post(f"/admin/instances/{inst.id}/resume", data={"reason": "x"})
    assert page.status_code == 409 and "当前状态为“运行中”" in page.get_data(as_text=True)


def test_cancel_requires_a_reason_and_withdraws_tasks(ops_client, ops_admin, review_case, db_session):
    case, inst = review_case()
    [task] = open_tasks(db_session, case.id)
    page = ops_client.post(f"/admin/instances/{inst.id}/cancel", data={"reason": "   "})
    assert page.status_code == 400 and "请填写撤销原因" in page.get_data(as_text=True)
    db_session.refresh(inst)
    assert inst.status == "running" and events(db_session, inst, "instance_cancelled") == []

    assert ops_client.post(f"/admin/instances/{inst.id}/cancel", data={"reason": "重复立案"}).status_code == 302
    db_session.refresh(inst)
    assert inst.status == "cancelled" and db_session.get(HumanTask, task.id).status == "cancelled"
    [event] = events(db_session, inst, "instance_cancelled")
    assert (event.actor_id, event.summary) == (ops_admin.id, "重复立案")
    assert "流程实例已结束" in ops_client.get(f"/admin/instances/{inst.id}").get_data(as_text=True)


def test_retry_with_bad_data_keeps_the_input(ops_client, failing_case, db_session):
    _case, inst = failing_case
    for data, message in (("score 75", "第 1 行格式应为"), ('{"score": ', "JSON 格式错误"),
                          ("[1, 2]", "第 1 行格式应为"), ("__class__=1", "变量名“__class__”无效"),
                          ('{"a b": 1}', "变量名“a b”无效")):
        page = ops_client.post(f"/admin/instances/{inst.id}/retry", data={"data": data})
        html = page.get_data(as_text=True)
        assert page.status_code == 400 and message in html, data
        assert "<textarea" in html and (data.replace('"', "&#34;") in html or data in html)
    db_session.refresh(inst)
    assert inst.status == "error" and events(db_session, inst, "instance_retried") == []


def test_retry_with_corrected_data_runs_on(ops_client, ops_admin, failing_case, db_session):
    case, inst = failing_case
    response = ops_client.post(f"/admin/instances/{inst.id}/retry", data={"data": "score=75\nnote=已补录评分"})
    assert response.status_code == 302
    db_session.refresh(inst)
    assert inst.status == "running" and [t.spec_name for t in open_tasks(db_session, case.id)] == ["act"]
    [event] = events(db_session, inst, "instance_retried")
    assert event.actor_id == ops_admin.id and event.data["data"] == {"score": 75, "note": "已补录评分"}
    assert "是否通过" not in ops_client.get("/admin/instances/incidents").get_data(as_text=True)


def test_retry_refused_when_not_in_error(ops_client, review_case, db_session):
    _case, inst = review_case()
    assert ops_client.post(f"/admin/instances/{inst.id}/retry", data={"data": ""}).status_code == 409


def test_reset_to_an_earlier_task(ops_client, ops_admin, review_case, clerk, db_session):
    from app.engine import service

    case, inst = review_case()
    [review] = open_tasks(db_session, case.id)
    service.complete_task(review.id, clerk, {"approved": True})
    db_session.commit()
    html = ops_client.get(f"/admin/instances/{inst.id}").get_data(as_text=True)
    assert '<option value="review"' in html and "确认退回" in html

    page = ops_client.post(f"/admin/instances/{inst.id}/reset", data={"spec_name": "review", "reason": ""})
    assert page.status_code == 400 and "请填写退回原因" in page.get_data(as_text=True)
    page = ops_client.post(f"/admin/instances/{inst.id}/reset", data={"spec_name": "escalate", "reason": "试"})
    assert page.status_code == 400 and "尚未办理完成" in page.get_data(as_text=True)
    assert [t.spec_name for t in open_tasks(db_session, case.id)] == ["act"]

    ok = ops_client.post(f"/admin/instances/{inst.id}/reset", data={"spec_name": "review", "reason": "审核意见有误"})
    assert ok.status_code == 302
    assert [t.spec_name for t in open_tasks(db_session, case.id)] == ["review"]
    [event] = events(db_session, inst, "instance_reset")
    assert event.actor_id == ops_admin.id and event.data["reason"] == "审核意见有误"


def test_migration_dry_run_then_migrate(ops_client, ops_admin, deploy_xml, make_case, db_session):
    deploy_xml(chain(("review", "初审"), ("act", "处理")))
    case = make_case("mig_flow")
    inst = instance_of(db_session, case)
    safe = deploy_xml(chain(("review", "初审"), ("check", "复核"), ("act", "处理")))[0]
    db_session.commit()
    html = ops_client.get(f"/admin/instances/{inst.id}").get_data(as_text=True)
    assert f'<option value="{safe.definition_id}">v2' in html

    preview = ops_client.get(f"/admin/instances/{inst.id}/migrate?target={safe.definition_id}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "复核" in html and "检查通过" in html and "确认迁移到 v2" in html
    page = ops_client.post(f"/admin/instances/{inst.id}/migrate", data={"target": safe.definition_id, "reason": ""})
    assert page.status_code == 400 and "请填写迁移原因" in page.get_data(as_text=True)

    done = ops_client.post(f"/admin/instances/{inst.id}/migrate",
                           data={"target": safe.definition_id, "reason": "新增复核环节"})
    assert done.status_code == 302
    db_session.refresh(inst)
    assert inst.definition_id == safe.definition_id
    [event] = events(db_session, inst, "instance_migrated")
    assert event.actor_id == ops_admin.id and (event.data["from_version"], event.data["to_version"]) == (1, 2)


def test_unsafe_migration_shows_reasons_and_is_refused(ops_client, deploy_xml, make_case, db_session):
    deploy_xml(chain(("review", "初审"), ("act", "处理")))
    case = make_case("mig_flow")
    inst = instance_of(db_session, case)
    unsafe = deploy_xml(chain(("act", "处理")))[0]
    db_session.commit()
    html = ops_client.get(f"/admin/instances/{inst.id}/migrate?target={unsafe.definition_id}").get_data(as_text=True)
    assert "不能安全迁移" in html and "初审" in html and "确认迁移" not in html
    refused = ops_client.post(f"/admin/instances/{inst.id}/migrate",
                              data={"target": unsafe.definition_id, "reason": "强行迁移"})
    assert refused.status_code == 409 and "不能安全迁移" in refused.get_data(as_text=True)
    db_session.refresh(inst)
    assert inst.definition.version == 1 and events(db_session, inst, "instance_migrated") == []
    assert ops_client.get(f"/admin/instances/{inst.id}/migrate?target=abc").status_code == 400


def test_csrf_token_required(ops_client, review_case, csrf_enabled, db_session):
    _case, inst = review_case()
    refused = ops_client.post(f"/admin/instances/{inst.id}/suspend", data={"reason": "无令牌"})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    db_session.refresh(inst)
    assert inst.status == "running"
    html = ops_client.get(f"/admin/instances/{inst.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    ok = ops_client.post(f"/admin/instances/{inst.id}/suspend", data={"reason": "有令牌", "csrf_token": token})
    assert ok.status_code == 302
    db_session.refresh(inst)
    assert inst.status == "suspended"


def test_bulk_migration_moves_safe_instances_and_lists_refusals(ops_client, deploy_xml, make_case, clerk,
                                                                db_session):
    from app.engine import service

    deploy_xml(chain(("review", "初审"), ("act", "处理")))
    waiting, passed = make_case("mig_flow"), make_case("mig_flow")
    service.complete_task(open_tasks(db_session, passed.id)[0].id, clerk, {})
    target = deploy_xml(chain(("review", "初审"), ("check", "复核"), ("act", "处理")))[0]
    db_session.commit()
    first, second = instance_of(db_session, waiting), instance_of(db_session, passed)
    html = ops_client.get("/admin/instances?key=mig_flow").get_data(as_text=True)
    assert 'form="bulk-migrate"' in html and "迁移所选实例" in html

    page = ops_client.post("/admin/instances/migrate", data={"target": target.definition_id, "reason": "新增复核"})
    assert page.status_code == 400 and "请选择要迁移的流程实例" in page.get_data(as_text=True)

    page = ops_client.post("/admin/instances/migrate", data={
        "instance_ids": [first.id, second.id], "target": target.definition_id, "reason": "新增复核"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "已迁移 1 个，未迁移 1 个" in html and "初审" in html
    db_session.refresh(first)
    db_session.refresh(second)
    assert first.definition_id == target.definition_id and second.definition.version == 1
    assert len(events(db_session, first, "instance_migrated")) == 1
    assert events(db_session, second, "instance_migrated") == []
