"""Marshmallow schemas built from form definitions, and submission validation.

Error keys returned by validate_submission are flat so templates can look them up
directly: "<field>" for a field, "<table>[<row>].<column>" for a table cell,
"<table>[<row>]" for a whole row and "_form" when the submission is not an object.
Row numbers are 0-based positions in the submitted list (for HTML forms: in the
list returned by unflatten_form, which drops blank rows and renumbers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, missing

from .fields import (
    INVALID_FORM,
    AttachmentsField,
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    FormSchema,
    IntegerField,
    MultiSelectField,
    RowSchema,
    SelectField,
    TableField,
    TextField,
    UsccField,
    is_blank,
)
from .model import FieldDef, FormDef

_ROW_KEY = re.compile(r"(\d{1,6})-(.+)\Z")


def make_field(fd: FieldDef, *, draft: bool = False) -> fields.Field:
    """Return the marshmallow field for one FieldDef (draft: nothing is required)."""
    kw: dict[str, Any] = {"required": fd.required and not draft}
    t = fd.type
    if t in ("text", "textarea"):
        field = TextField(multiline=t == "textarea", min_length=fd.min_length,
                          max_length=fd.max_length, pattern=fd.pattern, **kw)
    elif t == "integer":
        field = IntegerField(min=fd.min, max=fd.max, **kw)
    elif t == "decimal":
        field = DecimalField(min=fd.min, max=fd.max, places=fd.places, **kw)
    elif t == "date":
        field = DateField(min=fd.min, max=fd.max, **kw)
    elif t == "datetime":
        field = DateTimeField(**kw)
    elif t == "boolean":
        # "No" is an answer: an unticked box is False, never a missing value, so
        # required cannot fail (as in Camunda, where required only rejects null).
        field = BooleanField(required=False)
    elif t == "select":
        field = SelectField(choices=fd.option_values(), **kw)
    elif t == "multiselect":
        field = MultiSelectField(choices=fd.option_values(), **kw)
    elif t == "uscc":
        field = UsccField(**kw)
    elif t == "attachments":
        field = AttachmentsField(**kw)
    elif t == "table":
        rows = _schema_class(fd.columns, draft, base=RowSchema, name=f"{fd.name}_row")
        # Drafts may be saved before the minimum number of rows is entered.
        field = TableField(rows(), min_rows=None if draft else fd.min_rows,
                           max_rows=fd.max_rows, **kw)
    else:
        raise ValueError(f"unknown field type {t!r}")
    if fd.default is not None:
        # Clean the form default once, so absent keys get a stored-format value.
        field.form_default = field.deserialize(fd.default)
    return field


def _schema_class(field_defs: list[FieldDef], draft: bool, *, base=FormSchema, name="Form"):
    # Readonly fields are left out entirely: they are never taken from input.
    declared = {fd.name: make_field(fd, draft=draft) for fd in field_defs if not fd.readonly}
    return base.from_dict(declared, name=f"{name}Schema")


def build_schema(form_def: FormDef, partial: bool = False) -> Schema:
    """Return the (cached) schema instance for form_def; partial=True is the draft schema."""
    schema = form_def._schemas.get(partial)
    if schema is None:
        schema = _schema_class(form_def.fields, partial, name=form_def.key)()
        form_def._schemas[partial] = schema
    return schema


def default_problems(form_def: FormDef) -> list[tuple[str, str]]:
    """Return (field name, Chinese message) for every default that its field rejects."""
    problems: list[tuple[str, str]] = []

    def check(fd: FieldDef, where: str) -> None:
        before = len(problems)
        for col in fd.columns:
            check(col, f"{where}.{col.name}")
        # A bad column default would also fail the table; report it once, on the column.
        if fd.default is None or len(problems) > before:
            return
        try:
            make_field(fd, draft=True)
        except ValidationError as err:
            flat = flatten_errors({"": err.messages})
            text = "；".join(f"{k}：{'，'.join(v)}" if k else "，".join(v) for k, v in flat.items())
            problems.append((where, f"默认值 default 无效：{text}"))

    for fd in form_def.fields:
        check(fd, fd.name)
    return problems


def flatten_errors(messages: Any) -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into the flat key convention of this module."""
    if not isinstance(messages, dict):
        return {"_form": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        key = "_form" if key == "_schema" else str(key)
        if not isinstance(value, dict):
            out.setdefault(key, []).extend(map(str, value if isinstance(value, list) else [value]))
            continue
        for row, row_errors in value.items():
            row_key = key if row == "_schema" else f"{key}[{row}]"
            if not isinstance(row_errors, dict):
                out.setdefault(row_key, []).extend(map(str, row_errors))
                continue
            for col, msgs in row_errors.items():
                cell = row_key if col == "_schema" else f"{row_key}.{col}"
                msgs = msgs if isinstance(msgs, list) else [msgs]
                out.setdefault(cell, []).extend(map(str, msgs))
    return out


def cell_error_key(table: str, row: int, column: str) -> str:
    """Return the error key of one table cell, e.g. "failed_items[0].item"."""
    return f"{table}[{row}].{column}"


def validate_submission(form_def: FormDef, data: Any, *, draft: bool = False) -> tuple[dict, dict]:
    """Return (clean JSON-friendly data, flat Chinese errors) for a submission."""
    if hasattr(data, "getlist"):
        # A werkzeug MultiDict straight from request.form.
        data = unflatten_form(data, form_def)
    if not isinstance(data, Mapping):
        return {}, {"_form": [INVALID_FORM]}
    try:
        return build_schema(form_def, partial=draft).load(data), {}
    except ValidationError as err:
        errors = flatten_errors(err.messages)
        valid = dict(err.valid_data) if isinstance(err.valid_data, dict) else {}
        # A table with one bad cell is left out whole rather than half-cleaned.
        for key in errors:
            valid.pop(key.split("[", 1)[0], None)
        return valid, errors


def _getlist(form: Any, key: str) -> list:
    if hasattr(form, "getlist"):
        return list(form.getlist(key))
    if key not in form:
        return []
    value = form[key]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _html_value(form: Any, key: str, fd: FieldDef) -> Any:
    values = _getlist(form, key)
    if fd.type in ("multiselect", "attachments"):
        return [v for v in values if not is_blank(v)]
    if fd.type == "boolean":
        # An unticked checkbox is not sent at all; with the hidden-input trick the
        # checkbox comes last, so the last value wins.
        return values[-1] if values else False
    return values[0] if values else missing


def unflatten_form(form: Any, form_def: FormDef) -> dict:
    """Turn HTML form data (MultiDict or dict) into a submission; cells come as "t-<row>-<col>"."""
    out: dict[str, Any] = {}
    for fd in form_def.editable_fields():
        if fd.type != "table":
            value = _html_value(form, fd.name, fd)
            if value is not missing:
                out[fd.name] = value
            continue
        cols = {c.name: c for c in fd.columns if not c.readonly}
        row_numbers = set()
        for key in form:
            if key.startswith(fd.name + "-"):
                m = _ROW_KEY.match(key[len(fd.name) + 1:])
                if m and m.group(2) in cols:
                    row_numbers.add(int(m.group(1)))
        rows = []
        for n in sorted(row_numbers):
            row = {}
            for name, col in cols.items():
                value = _html_value(form, f"{fd.name}-{n}-{name}", col)
                if value is not missing:
                    row[name] = value
            # Blank rows come from the "add row" template or rows the user emptied.
            if any(v is not False and not is_blank(v) for v in row.values()):
                rows.append(row)
        out[fd.name] = rows
    return out
