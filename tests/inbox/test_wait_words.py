"""What the inbox, the case page and the flash say about a wait."""
from datetime import UTC, datetime

from app.engine.waits import Wait
from app.inbox.waiting import wait_text


def test_a_timed_wait_names_its_end_and_the_message_that_ends_it_early(app):
    wait = Wait(instance_id=1, title="等待异议", until=datetime(2026, 12, 20, 15, 59, tzinfo=UTC),
                messages=("收到异议及复检申请",))
    with app.test_request_context():
        assert wait_text(wait) == "等待异议（至 2026-12-20 23:59；收到异议及复检申请可提前结束）"


def test_a_wait_for_a_service_alone_does_not_repeat_itself(app):
    served = Wait(instance_id=1, title="检验结果通知书已送达", until=None, messages=("检验结果通知书已送达",))
    other = Wait(instance_id=1, title="等待整改报告", until=None, messages=("企业提交整改报告",))
    with app.test_request_context():
        assert wait_text(served) == "检验结果通知书已送达"
        assert wait_text(other) == "等待整改报告（收到企业提交整改报告后继续）"
