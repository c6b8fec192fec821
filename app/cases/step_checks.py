"""Facts that must agree across the steps of a case, checked when a task's form is submitted.

A form's own schema checks each field; these rules compare a field with what the case already recorded
(the first lab, the registration, the dates of earlier steps). Each problem is reported beside its field,
in Chinese, and all of them at once.
"""
from datetime import date

from sqlalchemy import select

from app.auth.models import OrgUnit
from app.cases.jurisdiction import territorial_unit
from app.cases.models import Case
from app.clock import local_date
from app.db import db

REGISTERED = "__registered__"  # the day the case was opened (the failed result registered)

# form key -> [(field, earlier fact, message)]: the field's date may not be before the earlier one.
DATE_ORDER = {
    "fs_register": [("report_received_date", "test_date", "收到报告日期不得早于检验日期")],
    "fs_notice": [("notice_date", REGISTERED, "告知日期不得早于检验结果登记日期（{value}）"),
                  ("notice_served_date", "notice_date", "送达日期不得早于告知日期（{value}）")],
    "fs_stop_sale": [("stop_sale_order_date", REGISTERED, "下达日期不得早于检验结果登记日期（{value}）")],
    "fs_assign_retest": [("retest_entrust_date", REGISTERED, "委托日期不得早于检验结果登记日期（{value}）")],
    "fs_retest": [("retest_date", "test_date", "复检日期不得早于初检日期（{value}）")],
    "fs_withdraw_orders": [("withdraw_date", "retest_date", "撤销日期不得早于复检日期（{value}）")],
    "fs_rectify_order": [("rectify_order_date", REGISTERED, "责令整改日期不得早于检验结果登记日期（{value}）"),
                         ("rectify_order_date", "notice_served_date", "责令整改日期不得早于告知书送达日期（{value}）")],
    "fs_recheck": [("recheck_date", "rectify_order_date", "复查日期不得早于责令整改日期（{value}）")],
    "fs_escalation": [("escalation_date", "recheck_date", "上报日期不得早于复查日期（{value}）")],
    "fs_announcement": [("announcement_date", REGISTERED, "公告日期不得早于检验结果登记日期（{value}）"),
                        ("announcement_date", "recheck_date", "公告日期不得早于复查日期（{value}）")],
    "fs_second_recheck": [("second_recheck_date", "announcement_date", "二次复查日期不得早于公告日期（{value}）")],
    "fs_suspension": [("suspension_date", "second_recheck_date", "停业整顿日期不得早于二次复查日期（{value}）")],
    "fs_certificate": [("check_date", REGISTERED, "核查日期不得早于检验结果登记日期（{value}）")],
    "fs_interview": [("interview_date", REGISTERED, "约谈日期不得早于检验结果登记日期（{value}）")],
    "fs_letter": [("letter_date", REGISTERED, "发函日期不得早于检验结果登记日期（{value}）")],
    "ss_sampling": [("lab_received_date", "sampling_date", "送达检验机构日期不得早于抽样日期（{value}）")],
    "ar_handle": [("assist_received_date", REGISTERED, "收函日期不得早于发函（立案）日期（{value}）"),
                  ("assist_reply_date", "assist_received_date", "函复日期不得早于收函日期（{value}）")],
}


def _as_date(value):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def step_problems(case_id, form_key, clean, skip=()) -> dict[str, list[str]]:
    """Problems of a submitted form against the case's recorded facts, by field (fields in `skip` already
    failed their own check)."""
    case = db.get(Case, case_id) if case_id else None
    if case is None:
        return {}
    facts = {**(case.facts or {}), REGISTERED: local_date(case.opened_at)}
    problems: dict[str, list[str]] = {}

    def add(name, message):
        if name not in skip:
            problems.setdefault(name, []).append(message)

    for name, earlier, message in DATE_ORDER.get(form_key, []):
        # A fact entered on this very form counts too (e.g. notice date and service date).
        value, before = _as_date(clean.get(name)), _as_date(clean.get(earlier, facts.get(earlier)))
        if value and before and value < before:
            add(name, message.format(value=before.isoformat()))
    if form_key == "fs_retest":
        _different_lab(clean, facts, add)
    if form_key == "fs_assign_retest":
        _different_body(clean, facts, add)
    if form_key == "fs_traceback":
        _producer_jurisdiction(case, clean, add)
    return problems


def _normal(name) -> str:
    return "".join(str(name or "").split()).replace("（", "(").replace("）", ")")


def _different_lab(clean, facts, add):
    # The retest is by a lab other than the first one (产品质量法第十五条; 监督抽查管理暂行办法).
    first = facts.get("test_lab")
    if clean.get("retest_lab") and first and _normal(clean["retest_lab"]) == _normal(first):
        add("retest_lab", f"复检须由初检机构（{first}）以外的检验机构承担")


def _different_body(clean, facts, add):
    # The engaged retest body may not be the lab that made the first test.
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == clean.get("retest_body_code"))) \
        if clean.get("retest_body_code") else None
    if unit is not None and _normal(unit.name) == _normal(facts.get("test_lab")):
        add("retest_body_code", f"复检须由初检机构（{unit.name}）以外的检验机构承担")


def _producer_jurisdiction(case, clean, add):
    region, where = clean.get("producer_region_code") or "", clean.get("producer_location")
    if not region or not where:
        return
    unit = territorial_unit(region)
    same_province = region[:2] == case.org_unit.code[:2]
    if where == "other_province" and same_province:
        add("producer_location", "该行政区划在本省，请选择本局辖区或省内其他局")
    elif where != "other_province" and not same_province:
        add("producer_location", "该行政区划不在本省，请选择外省（登记外省协查函）")
    elif where == "other_bureau" and unit is not None and unit.id == case.org_unit_id:
        add("producer_location", "该行政区划属本局管辖，无需向其他局发出协查函")
    elif where == "other_bureau" and unit is None:
        add("producer_region_code", "找不到该行政区划所属的市场监管局")
    elif where == "local" and unit is not None and unit.id != case.org_unit_id:
        add("producer_location", f"该行政区划属{unit.name}管辖，请选择省内其他局（发出协查函）")
