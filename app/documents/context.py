"""The values a document merges from its case (the placeholders a template may use)."""
from app.clock import local_today

# Every name a template may use; an uploaded template naming anything else is refused.
PLACEHOLDERS = (
    "number", "title", "bureau_name", "issue_date", "case_number", "case_title", "enterprise_name",
    "enterprise_uscc", "enterprise_address", "legal_representative", "product_name", "content",
    "rectify_days", "served_documents", "failed_items_text", "facts",
)


def _date_cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def merge_context(case, kind, *, number, content, served_documents="") -> dict:
    """The merge values for one document of `kind` on `case` (plain JSON, stored with the version)."""
    ent = case.enterprise
    facts = case.facts or {}
    return {
        "number": number,
        "title": kind.title,
        "bureau_name": case.org_unit.name,
        "issue_date": _date_cn(local_today()),
        "case_number": case.number,
        "case_title": case.title,
        "enterprise_name": ent.name if ent else "",
        "enterprise_uscc": ent.uscc if ent else "",
        "enterprise_address": ent.address if ent else "",
        "legal_representative": ent.legal_representative if ent else "",
        "product_name": case.product_name or "",
        "content": content,
        "rectify_days": facts.get("rectify_days") or 60,
        "served_documents": served_documents,
        "failed_items_text": failed_items_text(facts.get("failed_items")),
        # Scalar record fields only: templates may name {{ facts.x }}; tables stay out of documents.
        "facts": {k: v for k, v in facts.items() if isinstance(v, str | int | float | bool)},
    }


def failed_items_text(rows) -> str:
    """The failed test items in one line: 导体电阻（标准要求 ≤1.83 Ω/km，实测 2.31 Ω/km）；..."""
    if not isinstance(rows, list):
        return ""
    parts = []
    for row in rows:
        if isinstance(row, dict) and row.get("item"):
            parts.append(f"{row['item']}（标准要求 {row.get('limit', '')}，实测 {row.get('measured', '')}）")
    return "；".join(parts)
