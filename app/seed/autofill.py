"""Plausible, valid form data for demo cases and benchmarks (never used for real submissions)."""
import random
from datetime import timedelta

from app.db import utcnow
from app.formdefs.uscc import make_uscc

TEXTS = ["已按要求办理", "经现场核查属实", "企业已提交整改报告", "材料齐全，同意", "详见附件"]


PEOPLE = ["张明", "李华", "王芳", "陈伟", "林静"]
LABS = ["福建省产品质量检验研究院", "福州市产品质量检验所", "厦门市产品质量监督检验院"]
COMPANIES = ["福建省闽侯宏达电线电缆有限公司", "福州榕城电动车有限公司", "厦门鹭岛童装有限公司"]


def _text_for(name, rng):
    # Plausible values by what the field holds, so demo cases read like real records.
    if name.endswith("_no") or name.endswith("_number"):
        return f"闽市监〔2026〕{rng.randint(1, 300)}号" if "order" in name or "decision" in name or "notice" in name \
            else f"FJ-2026-{rng.randint(1, 99999):05d}"
    if name == "retest_lab":
        return "国家电线电缆质量检验检测中心"  # never the first lab: the retest is by another one
    if name.endswith("region_code"):
        return "350121"
    if name.endswith("_lab") or name.endswith("body_name"):
        return rng.choice(LABS)
    if name.endswith("_person") or name.endswith("_owner") or name.endswith("_by"):
        return rng.choice(PEOPLE)
    if "enterprise_name" in name or "producer_name" in name:
        return rng.choice(COMPANIES)
    if name.endswith("_name"):
        return "2026年重点工业产品质量安全专项工作"
    return None


def sample_value(field, rng: random.Random, choices: dict):
    """One valid value for a field; `choices` forces values by field name (to steer gateways)."""
    if field.name in choices:
        return choices[field.name]
    kind = field.type
    if kind in ("text", "textarea"):
        text = (_text_for(field.name, rng) if kind == "text" else None) or rng.choice(TEXTS)
        return text[: field.max_length] if field.max_length else text
    if kind == "integer":
        low = int(field.min) if field.min is not None else 0
        high = int(field.max) if field.max is not None else low + 100
        return rng.randint(low, max(low, min(high, low + 100)))
    if kind == "decimal":
        low = float(field.min) if field.min is not None else 0.0
        return f"{low + rng.randint(1, 50) * 1000:.{field.places or 2}f}"
    if kind == "date":
        day = (utcnow() + timedelta(hours=8)).date()
        if field.min is not None and str(day) < str(field.min):
            return str(field.min)
        return day.isoformat()
    if kind == "datetime":
        return utcnow().replace(microsecond=0).isoformat()
    if kind == "boolean":
        return False
    if kind == "select":
        # The retest lab is never the first one (the first lab is the first option).
        return field.options[-1].value if field.name == "retest_body_code" else field.options[0].value
    if kind == "multiselect":
        return [field.options[0].value]
    if kind == "uscc":
        return make_uscc(f"91350121MA{rng.randint(0, 9999999):07d}")
    if kind == "table":
        rows = max(1, field.min_rows or 1)
        return [{c.name: sample_value(c, rng, {}) for c in field.columns} for _ in range(rows)]
    if kind == "attachments":
        return []
    return None


def sample_form_data(form_def, rng=None, choices=None) -> dict:
    """Values for every field of a form (required or not), steering by `choices`."""
    rng = rng or random.Random(7)
    choices = choices or {}
    return {f.name: sample_value(f, rng, choices) for f in form_def.fields if not f.readonly}
