"""What an enterprise submits in the portal; each reaches the case's process as the message it waits for.

The payload has the shape the clerk's "登记外部事项" sends (app/cases/external.py): received_date, note,
attachment_ids, plus source="enterprise" and, for some kinds, the fields the next task shows as facts.
"""
from dataclasses import dataclass

from app.audit.services import record_event
from app.cases import attachments as case_files
from app.cases.external import label_of
from app.cases.services import merge_case_facts
from app.clock import local_today
from app.engine import messages as engine_messages
from app.engine import service as engine
from app.errors import Conflict, InvalidInput

MAX_NOTE = 2000
MAX_FILES = 10


@dataclass(frozen=True)
class Submission:
    """One kind of submission: the message it becomes and what the form asks."""

    message: str
    label: str
    label_en: str
    hint: str
    needs_commitment: bool = False
    needs_checklist: bool = False


SUBMISSIONS = {s.message: s for s in (
    Submission("self_inspection_report", "自查报告及承诺书", "Self-inspection report and commitment",
               "逐项填写本企业产品类别的自查清单，并签署承诺。", needs_commitment=True, needs_checklist=True),
    Submission("major_risk_report", "重大风险报告", "Major risk report", "发现重大质量安全风险时立即报告。"),
    Submission("rectification_report", "整改报告", "Rectification report", "说明整改措施和结果，并上传佐证材料。"),
    Submission("objection", "异议及复检申请", "Objection and retest application",
               "对检验结果有异议的，在期限内说明理由并申请复检。"),
    Submission("hearing_request", "听证申请", "Hearing request", "在期限内申请听证。"),
    Submission("statement_of_defence", "陈述申辩", "Statement of defence", "对拟作出的处罚进行陈述、申辩。"),
)}

# The self-inspection checklist of a product class (DOMAIN.md section 2); other classes use the general list.
CHECKLISTS = {
    "gas_appliance": ("熄火保护装置齐全有效", "燃气种类与铭牌标识一致", "出厂检验记录完整", "3C 认证证书有效"),
    "wire_cable": ("导体材质与标称一致", "导体电阻出厂检验合格", "绝缘厚度抽检记录完整", "3C 认证证书有效"),
    "e_bike": ("整车质量不超过 55 kg", "最高车速不超过 25 km/h", "蓄电池及充电器为认证产品", "3C 认证证书有效"),
}
GENERAL_CHECKLIST = ("原材料进货查验记录完整", "生产过程关键工序受控", "出厂检验记录完整", "不合格品处置记录完整")


def checklist_for(product_category) -> tuple[str, ...]:
    """The checklist items of a product class."""
    return CHECKLISTS.get(product_category, GENERAL_CHECKLIST)


def open_submissions(case_id) -> list[tuple[Submission, bool]]:
    """The submissions the case's processes wait for now: (submission, True).

    Only awaited ones: a report sent early would be kept and taken as the answer to a later round
    (a second rectification order), so the enterprise submits when the process asks.
    """
    return [(SUBMISSIONS[m.name], True) for m in engine_messages.catchable_messages(case_id)
            if m.is_awaited and m.name in SUBMISSIONS]


def submit(case, user, message, *, note, files=(), checklist=None, commitment=False):
    """Hand the enterprise's submission to the case's process (kept until it waits, if early); audited."""
    sub = SUBMISSIONS.get(message)
    if sub is None or message not in {s.message for s, _ in open_submissions(case.id)}:
        raise Conflict("本案当前不受理该事项")
    note = (note or "").strip()
    if not note:
        raise InvalidInput("请填写说明", field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"说明不能超过 {MAX_NOTE} 字", field="note")
    items = {}
    if sub.needs_checklist:
        items = {item: bool((checklist or {}).get(item)) for item in checklist_for(case.product_category)}
    if sub.needs_commitment and not commitment:
        raise InvalidInput("请勾选并签署承诺", field="commitment")
    uploads = [f for f in files if getattr(f, "filename", "")]
    if len(uploads) > MAX_FILES:
        raise InvalidInput(f"附件不能超过 {MAX_FILES} 个", field="files")
    saved = [case_files.save_attachment(case, f, user, description=sub.label) for f in uploads]
    ids = [a.id for a in saved]
    today = local_today().isoformat()
    payload = {"received_date": today, "note": note, "registered_by": user.id, "attachment_ids": ids,
               "source": "enterprise", "enterprise_id": user.enterprise_id}
    if items:
        payload["checklist"] = items
    if sub.needs_commitment:
        payload["commitment_signed_by"] = user.display_name
    facts = _facts_of(message, payload, [a.filename for a in saved])
    if facts:
        merge_case_facts(case.id, data=facts)
    record_event("enterprise_submitted", case_id=case.id, actor_id=user.id,
                 summary=f"{label_of(message, sub.label)}（企业端 {today}）：{note[:200]}",
                 data={"message": message, **payload})
    engine.send_message(case.id, message, payload, user_id=user.id)
    return sub


def _facts_of(message, payload, filenames) -> dict:
    """The record fields the next task shows (readonly fields of its form read case facts)."""
    if message == "rectification_report":
        return {"rectify_report_date": payload["received_date"], "rectify_report": payload["note"],
                "rectify_files": payload["attachment_ids"], "rectify_evidence": "、".join(filenames) or "—"}
    if message == "major_risk_report":
        return {"major_risk_date": payload["received_date"], "major_risk_report": payload["note"]}
    if message == "self_inspection_report":
        done = [k for k, v in payload.get("checklist", {}).items() if v]
        return {"self_inspection_submitted": True, "self_inspection_date": payload["received_date"],
                "self_inspection_summary": payload["note"], "self_inspection_files": payload["attachment_ids"],
                "self_inspection_checklist": "；".join(done)}
    return {}
