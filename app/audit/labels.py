"""What each audit event type is called on the timeline and instance pages (one list for every page)."""
from flask_babel import gettext as _
from flask_babel import pgettext

EVENT_LABELS = {
    "case_opened": "案件登记", "case_closed": "案件办结", "case_cancelled": "案件撤销",
    "instance_started": "流程启动", "instance_completed": "流程结束", "instance_error": "流程出错",
    "instance_suspended": "流程挂起", "instance_resumed": "流程恢复", "instance_cancelled": "流程终止",
    "instance_retried": "流程重试", "instance_reset": "退回重办", "instance_migrated": "版本迁移",
    "task_created": "生成待办", "task_completed": "办理完成", "task_cancelled": "待办撤回",
    "task_claimed": "认领任务", "task_released": "退回待认领", "task_assigned": "指派任务",
    "task_delegated": "转办", "task_reminded": "催办", "task_escalated": "超期上报",
    "task_draft_saved": "暂存草稿", "task_draft_discarded": "删除草稿",
    "timer_fired": "期限届满（定时器）", "message_received": "收到消息", "message_stored": "消息暂存",
    "message_delivered": "消息送达", "follow_up_started": "启动后续案件", "due_rule_failed": "期限计算失败",
    "attachment_uploaded": "上传附件", "note_added": "添加意见", "listed_supervision_opened": "提请挂牌督办",
    "definition_deployed": "部署流程", "process_draft_saved": "保存流程草稿", "process_draft_deleted": "删除流程草稿",
    "report_generated": "生成报表", "report_regenerated": "重新生成报表", "report_remarks_saved": "填写报表说明",
    "report_submitted": "报送报表", "login_locked": "登录锁定",
    "external_event_registered": "登记外部事项",
    "calendar_day_set": "录入工作日历", "calendar_day_deleted": "删除工作日历录入",
    "calendar_holidays_set": "录入放假安排", "calendar_year_confirmed": "确认年度节假日安排",
    "calendar_year_withdrawn": "撤销年度节假日确认",
    "api_call": "接口调用", "api_call_refused": "接口调用被拒绝", "api_token_created": "签发 API 令牌",
    "api_token_revoked": "吊销 API 令牌", "sampling_result_imported": "导入抽检结果",
    "sampling_result_corrected": "更正抽检结果", "sampling_task_tallied": "汇总抽检批次",
    "complaint_lead_received": "接收 12315 线索", "disclosure_published": "处罚信息公示",
    "disclosure_withdrawn": "撤下处罚公示",
    "sampling_warning": "抽样提示", "assist_replied": "协查函已函复",
}


def event_label(event_type) -> str:
    """The (translated) name of an audit event type; the type itself when unknown."""
    text = EVENT_LABELS.get(event_type)
    if text is None:
        return event_type
    # Some names are also button words elsewhere (催办 = "Remind" on the overdue board); the catalogs are
    # merged, so the event's own wording ("Reminder sent") is kept under a message context.
    own = pgettext("audit event", text)
    return own if own != text else _(text)
