"""Stages of a case, for the case page: its facts grouped, and its timeline filterable, by where in the
work they belong (sampling and test, notice and objection, orders and re-checks, enforcement, disclosure)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.db import db
from app.engine.models import HumanTask

STAGES = {
    "sampling": _l("抽样与检验"),
    "notice": _l("告知与异议"),
    "orders": _l("整改与复查"),
    "enforcement": _l("执法处置"),
    "disclosure": _l("信息公示"),
    "other": _l("其他"),
}

# Which stage a task form's facts belong to. Start-form facts (no form) are registration: sampling and test.
FORM_STAGES = {
    "sampling": ("fs_register", "ss_plan", "ss_sampling", "ss_testing", "ss_report", "ss_summary", "pc_testing",
                 "rm_collect", "rm_assess", "hi_campaign", "hi_self_report", "hi_inspection", "hi_ledger",
                 "rc_investigation", "rc_injury_report"),
    "notice": ("fs_notice", "fs_retest", "pc_pre_notice", "pc_hearing", "rm_warning"),
    "orders": ("fs_rectify_order", "fs_recheck", "fs_second_recheck", "fs_supervision_note", "fs_escalation",
               "hi_rectify", "hi_recheck", "hi_review", "hi_interview", "hi_help", "hi_overdue", "hi_closeout",
               "rc_order", "rc_plan", "rc_progress", "rc_check", "rc_urge", "rc_summary", "rm_measures",
               "ls_propose", "ls_decide", "ls_progress", "ls_accept", "ls_delist"),
    "enforcement": ("fs_suspension", "pc_lead_check", "pc_investigation", "pc_seizure", "pc_legal_review",
                    "pc_decision", "pc_extension_approval", "pc_police_transfer", "pc_referral_approval",
                    "pc_supervision_note"),
    "disclosure": ("fs_announcement", "cd_disclosure", "cd_listing", "cd_listing_review", "cd_supervision_note",
                   "cd_upper_consent"),
}
_STAGE_OF_FORM = {form: stage for stage, forms in FORM_STAGES.items() for form in forms}


def stage_of_form(form_key) -> str:
    """The stage of a task form ("other" when the form is not listed)."""
    return _STAGE_OF_FORM.get(form_key or "", "other")


def case_task_forms(case_id) -> dict:
    """{task id: form key} of a case's tasks, in the order they were created (one query for both helpers)."""
    return dict(db.execute(select(HumanTask.id, HumanTask.form_key).where(HumanTask.case_id == case_id)
                           .order_by(HumanTask.id)).all())


def group_facts(facts, task_forms) -> list[dict]:
    """The case page's facts (readable_facts rows) in stage order: [{code, label, facts}], empty stages left out."""
    from app.formdefs.registry import get_registry

    registry = get_registry()
    owner = {}
    for key in dict.fromkeys(task_forms.values()):
        if not key or key not in registry.keys():  # noqa: SIM118 (a registry, not a dict)
            continue
        try:
            form = registry.get(key)
        except Exception:  # a malformed form file must not take the case page down
            continue
        for fd in form.fields:
            owner.setdefault(fd.name, key)
    grouped = {code: [] for code in STAGES}
    for fact in facts:
        form = owner.get(fact["key"])
        grouped[stage_of_form(form) if form else "sampling"].append(fact)
    return [{"code": code, "label": str(STAGES[code]), "facts": rows} for code, rows in grouped.items() if rows]


def tag_events(events, task_forms) -> list[str]:
    """Give each timeline row its stage (from its task's form; case-level rows are "other"); the stages present."""
    forms = task_forms
    present = []
    for ev in events:
        task_id = ev.get("task_id")
        ev["stage"] = stage_of_form(forms.get(task_id)) if task_id else "other"
        if ev["stage"] not in present:
            present.append(ev["stage"])
    return [code for code in STAGES if code in present]
