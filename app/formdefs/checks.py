"""Structural validation of form definitions (the rules of the forms/ file format)."""

from __future__ import annotations

import datetime as dt
import decimal
import keyword
import re
from typing import Any

from .model import (
    CHOICE_TYPES,
    COMMON_KEYS,
    FIELD_TYPES,
    FORM_KEYS,
    MAX_PLACES,
    TYPE_KEYS,
    FieldDef,
    FormDef,
    Option,
)

# Lowercase snake_case: names become workflow variables and appear in expressions.
_STRICT_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
# Form keys are also file names, so they stay plain.
FORM_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ALL_TYPE_KEYS = frozenset().union(*TYPE_KEYS.values())
_OPTION_KEYS = frozenset({"value", "label", "label_en"})


class FormDefError(ValueError):
    """A form definition is malformed; lists every problem found, in Chinese."""

    def __init__(self, filename: str, problems: list[tuple[str | None, str]]):
        self.filename = filename
        # (field name or None for the whole form, Chinese message)
        self.problems = list(problems)
        super().__init__(self._render())

    @property
    def messages(self) -> list[str]:
        """Return one Chinese line per problem, prefixed with its field name."""
        return [f"字段「{name}」：{msg}" if name else msg for name, msg in self.problems]

    def _render(self) -> str:
        head = f"表单定义「{self.filename}」有 {len(self.problems)} 处错误："
        return "\n".join([head] + [f"  - {m}" for m in self.messages])


def parse_form(data: Any, source: str, *, expected_key: str | None = None,
               strict: bool = True) -> FormDef:
    """Return the FormDef for a parsed form dict; raise FormDefError listing all problems."""
    # strict=False relaxes naming rules for forms imported from Camunda, whose ids
    # and labels are whatever the modeler used and are referenced by the process.
    p = _Parser(strict)
    if not isinstance(data, dict):
        raise FormDefError(source, [(None, "表单定义应为 JSON 对象")])
    for k in sorted(set(data) - FORM_KEYS):
        p.add(None, f"未知的属性「{k}」")
    key = data.get("key")
    if not isinstance(key, str) or not key:
        p.add(None, "缺少表单标识 key")
    elif strict and not FORM_KEY.match(key):
        p.add(None, f"表单标识「{key}」只能使用小写字母、数字和下划线，且以字母开头")
    elif expected_key is not None and key != expected_key:
        p.add(None, f"表单标识「{key}」与文件名「{expected_key}.json」不一致")
    title = p.text(None, data, "title", required=True)
    title_en = p.text(None, data, "title_en")
    description = p.text(None, data, "description")
    raw_fields = data.get("fields")
    fields: list[FieldDef] = []
    if not isinstance(raw_fields, list):
        p.add(None, "缺少字段列表 fields（应为数组）")
    else:
        fields = p.fields(raw_fields, prefix="", in_table=False)
    if p.problems:
        raise FormDefError(source, p.problems)
    form = FormDef(key=key, title=title, title_en=title_en, description=description, fields=fields)
    # Defaults are checked with the real schema so the loader and submissions agree.
    from .schema import default_problems

    problems = default_problems(form)
    if problems:
        raise FormDefError(source, problems)
    return form


class _Parser:
    """Collects every problem instead of stopping at the first one."""

    def __init__(self, strict: bool):
        self.strict = strict
        self.problems: list[tuple[str | None, str]] = []

    def add(self, where: str | None, msg: str) -> None:
        self.problems.append((where, msg))

    def text(self, where, raw: dict, key: str, *, required: bool = False) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.add(where, f"缺少 {key}")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(where, f"{key} 应为非空字符串")
            return None
        return value

    def flag(self, where, raw: dict, key: str) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            self.add(where, f"{key} 应为 true 或 false")
            return False
        return value

    def count(self, where, raw: dict, key: str, lowest: int = 0) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            self.add(where, f"{key} 应为不小于 {lowest} 的整数")
            return None
        return value

    def ordered(self, where, low, high, low_key: str, high_key: str) -> None:
        if low is not None and high is not None and low > high:
            self.add(where, f"{low_key}（{low}）不能大于 {high_key}（{high}）")

    def fields(self, raws: list, prefix: str, in_table: bool) -> list[FieldDef]:
        out: list[FieldDef] = []
        seen: set[str] = set()
        for i, raw in enumerate(raws, start=1):
            fd = self.field(raw, i, prefix, in_table)
            if fd is None:
                continue
            if fd.name in seen:
                self.add(prefix + fd.name, "字段名重复")
                continue
            seen.add(fd.name)
            out.append(fd)
        return out

    def name_problem(self, name: Any) -> str | None:
        if not isinstance(name, str) or not name:
            return "缺少字段名 name"
        if name.startswith("_"):
            return f"字段名「{name}」不能以下划线开头"
        if keyword.iskeyword(name) or keyword.issoftkeyword(name):
            return f"字段名「{name}」是 Python 关键字，不能在表达式中使用"
        if self.strict and not _STRICT_NAME.match(name):
            return f"字段名「{name}」只能使用小写字母、数字和下划线，且以字母开头"
        if not name.isidentifier():
            return f"字段名「{name}」不是有效的标识符"
        return None

    def field(self, raw: Any, index: int, prefix: str, in_table: bool) -> FieldDef | None:
        if not isinstance(raw, dict):
            self.add(f"{prefix}#{index}", "字段定义应为 JSON 对象")
            return None
        name = raw.get("name")
        problem = self.name_problem(name)
        if problem:
            self.add(f"{prefix}#{index}", problem)
            return None
        where = prefix + name
        ftype = raw.get("type")
        if ftype not in FIELD_TYPES:
            self.add(where, f"字段类型「{ftype}」无效，可用类型：{'、'.join(FIELD_TYPES)}")
            return None
        if in_table and ftype == "table":
            self.add(where, "表格列不能再是表格（不支持嵌套表格）")
            return None
        allowed = COMMON_KEYS | TYPE_KEYS[ftype]
        for k in sorted(set(raw) - allowed):
            if k in _ALL_TYPE_KEYS:
                self.add(where, f"属性「{k}」不适用于 {ftype} 类型的字段")
            else:
                self.add(where, f"未知的属性「{k}」")
        label = self.text(where, raw, "label", required=True)
        if label and self.strict and not _CJK.search(label):
            self.add(where, f"标签「{label}」应为中文（英文请写在 label_en）")
        fd = FieldDef(
            name=name, label=label or name, type=ftype,
            label_en=self.text(where, raw, "label_en"),
            required=self.flag(where, raw, "required"),
            readonly=self.flag(where, raw, "readonly"),
            default=raw.get("default"),
            help=self.text(where, raw, "help"), help_en=self.text(where, raw, "help_en"),
        )
        if fd.required and fd.readonly:
            self.add(where, "只读字段不能设为必填（只读字段不接受提交的值）")
        if ftype in ("text", "textarea"):
            fd.min_length = self.count(where, raw, "min_length")
            fd.max_length = self.count(where, raw, "max_length", lowest=1)
            self.ordered(where, fd.min_length, fd.max_length, "min_length", "max_length")
            fd.pattern = self.pattern(where, raw.get("pattern"))
        elif ftype in ("integer", "decimal", "date"):
            if ftype == "decimal":
                fd.places = self.count(where, raw, "places")
                if fd.places is not None and fd.places > MAX_PLACES:
                    self.add(where, f"places 不能大于 {MAX_PLACES}")
                    fd.places = None
            fd.min = self.bound(where, ftype, raw, "min", fd.places)
            fd.max = self.bound(where, ftype, raw, "max", fd.places)
            self.ordered(where, fd.min, fd.max, "min", "max")
        elif ftype in CHOICE_TYPES:
            fd.options = self.options(where, raw.get("options"))
        elif ftype == "table":
            fd.min_rows = self.count(where, raw, "min_rows")
            fd.max_rows = self.count(where, raw, "max_rows", lowest=1)
            self.ordered(where, fd.min_rows, fd.max_rows, "min_rows", "max_rows")
            cols = raw.get("columns")
            if not isinstance(cols, list) or not cols:
                self.add(where, "表格字段需要非空的列定义 columns")
            else:
                fd.columns = self.fields(cols, prefix=where + ".", in_table=True)
        return fd

    def pattern(self, where, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            self.add(where, "pattern 应为非空字符串")
            return None
        try:
            re.compile(value)
        except re.error as exc:
            self.add(where, f"正则表达式 pattern 无效：{exc}")
            return None
        return value

    def bound(self, where, ftype: str, raw: dict, key: str, places: int | None):
        value = raw.get(key)
        if value is None:
            return None
        if ftype == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(where, f"{key} 应为整数")
                return None
            return value
        if ftype == "date":
            try:
                return dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                self.add(where, f"{key} 应为 ISO 格式日期（如 2024-01-31）")
                return None
        # decimal: strings are accepted so exact amounts need not pass through float.
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise decimal.InvalidOperation
            number = decimal.Decimal(str(value))
            if not number.is_finite():
                raise decimal.InvalidOperation
        except decimal.InvalidOperation:
            self.add(where, f"{key} 应为数字")
            return None
        return number

    def options(self, where, raws: Any) -> list[Option]:
        if not isinstance(raws, list) or not raws:
            self.add(where, "选择类字段需要非空的选项列表 options")
            return []
        out: list[Option] = []
        seen: set[str] = set()
        for i, raw in enumerate(raws, start=1):
            if not isinstance(raw, dict):
                self.add(where, f"第 {i} 个选项应为 JSON 对象")
                continue
            for k in sorted(set(raw) - _OPTION_KEYS):
                self.add(where, f"第 {i} 个选项有未知的属性「{k}」")
            value, label = raw.get("value"), raw.get("label")
            if not isinstance(value, str) or not value:
                self.add(where, f"第 {i} 个选项的 value 应为非空字符串")
                continue
            if value in seen:
                self.add(where, f"选项值「{value}」重复")
                continue
            if not isinstance(label, str) or not label.strip():
                self.add(where, f"选项「{value}」缺少 label")
                continue
            label_en = raw.get("label_en")
            if label_en is not None and not isinstance(label_en, str):
                self.add(where, f"选项「{value}」的 label_en 应为字符串")
                label_en = None
            seen.add(value)
            out.append(Option(value=value, label=label, label_en=label_en))
        return out
