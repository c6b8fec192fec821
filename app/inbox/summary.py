"""What the task page shows about its case and its deadline (plain values for the template)."""
from dataclasses import dataclass

from flask_babel import gettext as _

from app.calendar.workdays import get_calendar
from app.clock import LOCAL_TZ, local_today

# The record fields of the process contract worth seeing while working a task, in display order.
KEY_FACTS = {
    "parent_case_number": "来源案件",
    "reason": "启动事由",
    "campaign_name": "专项行动",
    "self_inspection_due": "自查截止日期",
    "inspection_due": "现场检查截止日期",
    "plan_name": "抽查计划",
    "sample_count": "抽样批次",
    "sampling_due": "抽样截止日期",
    "signal_source": "风险信号来源",
    "signal_description": "风险信号描述",
    "sample_no": "样品编号",
    "test_report_no": "检验报告编号",
    "test_lab": "检验机构",
    "test_date": "检验日期",
    "goods_value": "货值（元）",
    "notice_date": "告知日期",
    "objection_received": "收到异议",
    "retest_conclusion": "复检结论",
    "rectify_order_date": "责令整改日期",
    "recheck_result": "复查结果",
    "announcement_date": "公告日期",
    "second_recheck_result": "再次复查结果",
    "self_inspection_verdict": "自查评价",
    "inspection_date": "现场检查日期",
    "interview_date": "约谈日期",
    "open_decision": "立案决定",
    "decision_no": "处罚决定书文号",
    "decision_date": "决定日期",
    "fine_amount": "罚款（元）",
    "confiscation_amount": "没收金额（元）",
    "referred_to_police": "移送公安",
    "listing_level": "督办层级",
    "listing_reason": "督办事由",
    "recall_type": "召回类型",
    "recalled_quantity": "召回数量",
}
VALUE_LABELS = {
    "pass": "合格", "fail": "不合格", "open": "立案", "not_open": "不予立案", "province": "省级", "city": "市级",
    "ordered": "责令召回", "voluntary": "主动召回", "consistent": "一致", "perfunctory": "敷衍", "false": "虚假",
    "complaint": "投诉举报", "monitoring": "风险监测", "sampling": "监督抽查", "media": "媒体报道", "other": "其他",
}


@dataclass
class DeadlineInfo:
    """A task's deadline in Beijing time and how many working days remain (negative: overdue)."""

    due_at: object
    due_day: object
    remaining: int
    is_overdue: bool

    @property
    def text(self) -> str:
        """Remaining working days in words."""
        if self.is_overdue:
            days = max(1, -self.remaining)
            return _("已超期 %(n)s 个工作日", n=days) if self.remaining < 0 else _("已超期")
        if self.remaining == 0:
            return _("今日到期")
        return _("剩余 %(n)s 个工作日", n=self.remaining)

    @property
    def level(self) -> str:
        """A colour for the tag: red overdue, amber within 3 working days, else green."""
        return "red" if self.is_overdue else ("amber" if self.remaining <= 3 else "green")


def deadline_info(due_at, now) -> DeadlineInfo | None:
    """Deadline facts of a due time (None when the task has no deadline)."""
    if due_at is None:
        return None
    day = due_at.astimezone(LOCAL_TZ).date()
    remaining = get_calendar().remaining_working_days(local_today(), day)
    return DeadlineInfo(due_at, day, remaining, due_at < now)


def _display(value):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str):
        return _(VALUE_LABELS[value]) if value in VALUE_LABELS else value
    return str(value)


def key_facts(facts: dict) -> list[tuple[str, str]]:
    """(label, value) of the case's scalar record fields the contract names, skipping blanks."""
    out = []
    for name, label in KEY_FACTS.items():
        value = (facts or {}).get(name)
        if value is None or value == "" or isinstance(value, (list, dict)):
            continue
        out.append((_(label), _display(value)))
    failed = (facts or {}).get("failed_items")
    if isinstance(failed, list) and failed:
        items = "、".join(str(i.get("item", "")) for i in failed if isinstance(i, dict))
        out.append((_("不合格项目"), items))
    return out
