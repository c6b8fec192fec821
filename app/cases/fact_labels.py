"""Words for case facts that no form names: what the start forms and follow-up payloads put on a case."""
from flask_babel import lazy_gettext as _l

FACT_LABELS = {
    "sample_no": _l("样品编号"), "test_report_no": _l("检验报告编号"), "test_lab": _l("检验机构"),
    "test_date": _l("检验日期"), "failed_items": _l("不合格项目"), "item": _l("项目"), "limit": _l("标准要求"),
    "measured": _l("实测值"), "is_safety": _l("涉及安全"), "is_food": _l("是否食品"),
    "is_consumer_product": _l("是否消费品"), "goods_value": _l("货值金额（元）"),
    "campaign_name": _l("专项行动名称"), "self_inspection_due": _l("自查截止日期"),
    "inspection_due": _l("现场检查截止日期"), "signal_source": _l("信号来源"), "signal_description": _l("信号描述"),
    "plan_name": _l("抽查计划名称"), "sample_count": _l("抽样批次数"), "sampling_due": _l("抽样截止日期"),
    "reason": _l("启动原因"),
    "organising_unit_name": _l("组织抽查（发函）单位"), "organising_unit_code": _l("组织单位代码"),
    "issuing_department": _l("组织科室"), "sampling_link": _l("抽样环节"), "lead_source": _l("线索来源"),
    "region_code": _l("生产者所在地行政区划"), "assist_items": _l("协查事项"),
    "brand": _l("商标品牌"), "model_spec": _l("型号规格"), "batch_or_date": _l("生产批号或生产日期"),
    "standard": _l("执行标准"),
    # Follow-up payloads (penalty -> listed supervision, the overdue board's listing, risk -> recall).
    "source_decision_no": _l("来源处罚决定书文号"), "listing_level": _l("挂牌级别"), "listing_reason": _l("挂牌事由"),
    "listing_due_date": _l("督办期限"), "listed_by_unit": _l("挂牌单位"), "risk_level": _l("风险等级"),
    "upper_consent_required": _l("需上级同意"), "delisted": _l("已摘牌"),
}

# Facts that are identifiers for the software, not for people.
TECHNICAL_FACTS = frozenset({"listed_by_user_id", "upper_consent_required", "listing_stage"})


def fact_label(key) -> str:
    """The label of a fact without a form field (the key itself when unknown, so a test can catch it)."""
    label = FACT_LABELS.get(key)
    return str(label) if label is not None else key


def option_labeller(name):
    """A function turning a coded value of the form field `name` (e.g. listing_reason "major_case") into its
    label in the current language; values no form offers are returned as they are."""
    from flask_babel import get_locale

    from app.formdefs.registry import get_registry

    registry = get_registry()
    for key in registry.keys():  # noqa: SIM118 (a registry, not a dict)
        try:
            fd = next((f for f in registry.get(key).fields if f.name == name and f.options), None)
        except Exception:  # a malformed form file must not take a page down
            continue
        if fd is not None:
            locale = str(get_locale() or "zh")
            return lambda value: fd.option_label(value, locale) if value else value
    return lambda value: value
