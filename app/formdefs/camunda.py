"""Turn Camunda Modeler 7 generated task forms (camunda:formData) into FormDefs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .checks import FormDefError, parse_form
from .model import FormDef

TYPE_MAP = {
    "string": "text", "long": "integer", "boolean": "boolean", "date": "date", "enum": "select",
}
CONSTRAINTS = ("required", "readonly", "maxlength", "minlength", "min", "max")
# Camunda 7's default date pattern for generated forms.
CAMUNDA_DATE_FORMAT = "%d/%m/%Y"


class _Unsupported(Exception):
    pass


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and ("${" in value or "#{" in value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Unsupported
    try:
        return int(str(value).strip())
    except ValueError:
        raise _Unsupported from None


def _to_date(value: Any) -> str:
    # Camunda writes dd/MM/yyyy; ISO is accepted too since modelers sometimes use it.
    if isinstance(value, str):
        for parse in (dt.date.fromisoformat,
                      lambda s: dt.datetime.strptime(s, CAMUNDA_DATE_FORMAT).date()):
            try:
                return parse(value.strip()).isoformat()
            except ValueError:
                pass
    raise _Unsupported


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _Unsupported


def _convert_default(ftype: str, value: Any) -> Any:
    if ftype == "integer":
        return _to_int(value)
    if ftype == "date":
        return _to_date(value)
    if ftype == "boolean":
        return _to_bool(value)
    return value if isinstance(value, str) else str(value)


def _convert_field(raw: dict, where: str, problems: list) -> dict | None:
    ctype = raw.get("type")
    if ctype not in TYPE_MAP:
        problems.append((where, f"不支持的 Camunda 字段类型「{ctype}」"
                                f"（支持：{'、'.join(TYPE_MAP)}）"))
        return None
    ftype = TYPE_MAP[ctype]
    out: dict[str, Any] = {"name": raw.get("id"), "label": raw.get("label") or raw.get("id"),
                           "type": ftype}
    for rule in raw.get("validation") or []:
        name = rule.get("name") if isinstance(rule, dict) else None
        config = rule.get("config") if isinstance(rule, dict) else None
        if name not in CONSTRAINTS:
            problems.append((where, f"不支持的 Camunda 校验约束「{name}」"
                                    f"（支持：{'、'.join(CONSTRAINTS)}）"))
            continue
        if name in ("required", "readonly"):
            out[name] = True
            continue
        if name in ("maxlength", "minlength") and ftype != "text":
            problems.append((where, f"约束「{name}」只适用于 string 类型字段"))
            continue
        if name in ("min", "max") and ftype not in ("integer", "date"):
            problems.append((where, f"约束「{name}」只适用于 long 或 date 类型字段"))
            continue
        try:
            if name == "maxlength":
                out["max_length"] = _to_int(config)
            elif name == "minlength":
                out["min_length"] = _to_int(config)
            else:
                out[name] = _to_int(config) if ftype == "integer" else _to_date(config)
        except _Unsupported:
            problems.append((where, f"约束「{name}」的配置值「{config}」无效"))
    if out.get("readonly"):
        # Camunda allows required+readonly; the value then comes from the process,
        # which is exactly what our readonly means, so required is dropped.
        out.pop("required", None)
    values = raw.get("values") or []
    if ftype == "select":
        out["options"] = [
            {"value": v.get("id"), "label": v.get("name") or v.get("id")}
            for v in values if isinstance(v, dict)
        ]
    elif values:
        problems.append((where, "只有 enum 类型字段可以定义可选值 values"))
    default = raw.get("defaultValue")
    if default is not None and default != "":
        if _is_expression(default):
            problems.append((where, f"默认值「{default}」是 JUEL 表达式，暂不支持"))
        else:
            try:
                out["default"] = _convert_default(ftype, default)
            except _Unsupported:
                problems.append((where, f"默认值「{default}」不是有效的 {ctype} 值"))
    return out


def form_from_camunda(task_id: str, form_fields: list[dict], title: str | None) -> FormDef:
    """Return a FormDef for a Camunda generated form; FormDefError on anything unsupported."""
    source = f"Camunda 任务 {task_id}"
    problems: list[tuple[str | None, str]] = []
    converted = []
    for i, raw in enumerate(form_fields or [], start=1):
        if not isinstance(raw, dict):
            problems.append((f"#{i}", "字段定义格式无效"))
            continue
        field = _convert_field(raw, raw.get("id") or f"#{i}", problems)
        if field is not None:
            converted.append(field)
    if problems:
        raise FormDefError(source, problems)
    data = {"key": task_id, "title": title or task_id, "fields": converted}
    # Camunda ids are process variable names (often camelCase) and labels may be in
    # any language, so the loader's naming rules are relaxed; all others still apply.
    return parse_form(data, source, strict=False)
