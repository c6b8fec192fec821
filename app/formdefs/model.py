"""In-memory form definitions: what a task form asks for and how it is checked."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

FIELD_TYPES = (
    "text", "textarea", "integer", "decimal", "date", "datetime", "boolean",
    "select", "multiselect", "uscc", "table", "attachments",
)
# Types whose clean value is a list; an absent optional value becomes [].
LIST_TYPES = frozenset({"multiselect", "attachments", "table"})
CHOICE_TYPES = frozenset({"select", "multiselect"})

COMMON_KEYS = frozenset({
    "name", "label", "label_en", "type", "required", "readonly", "default", "help", "help_en",
})
# Keys allowed on top of COMMON_KEYS; anything else in a field is a typo.
TYPE_KEYS: dict[str, frozenset[str]] = {
    "text": frozenset({"max_length", "min_length", "pattern"}),
    "textarea": frozenset({"max_length", "min_length"}),
    "integer": frozenset({"min", "max"}),
    "decimal": frozenset({"min", "max", "places"}),
    "date": frozenset({"min", "max"}),
    "datetime": frozenset(),
    "boolean": frozenset(),
    "select": frozenset({"options"}),
    "multiselect": frozenset({"options"}),
    "uscc": frozenset(),
    "table": frozenset({"columns", "min_rows", "max_rows"}),
    "attachments": frozenset(),
}
# Most decimal places a decimal field may declare or a submitted number may carry.
MAX_PLACES = 10
FORM_KEYS = frozenset({"key", "title", "title_en", "description", "fields"})


def _is_en(locale: str | None) -> bool:
    return bool(locale) and str(locale).lower().replace("-", "_").startswith("en")


@dataclass(frozen=True)
class Option:
    """One choice of a select or multiselect field."""

    value: str
    label: str
    label_en: str | None = None

    def label_for(self, locale: str | None = None) -> str:
        """Return the label in locale ("en..." gives English when present, else Chinese)."""
        return self.label_en if _is_en(locale) and self.label_en else self.label

    def to_dict(self) -> dict:
        """Return the option in the form file format."""
        out = {"value": self.value, "label": self.label}
        if self.label_en:
            out["label_en"] = self.label_en
        return out


@dataclass
class FieldDef:
    """One field of a form, or one column of a table field."""

    name: str
    label: str
    type: str
    label_en: str | None = None
    required: bool = False
    readonly: bool = False
    # Raw JSON value from the form file; the schema turns it into a clean value.
    default: Any = None
    help: str | None = None
    help_en: str | None = None
    options: list[Option] = dc_field(default_factory=list)
    # Parsed bounds: int for integer, Decimal for decimal, date for date.
    min: int | decimal.Decimal | dt.date | None = None
    max: int | decimal.Decimal | dt.date | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    places: int | None = None
    min_rows: int | None = None
    max_rows: int | None = None
    columns: list[FieldDef] = dc_field(default_factory=list)

    @property
    def is_list(self) -> bool:
        """True when the clean value is a list (multiselect, attachments, table)."""
        return self.type in LIST_TYPES

    def label_for(self, locale: str | None = None) -> str:
        """Return the label in locale ("en..." gives English when present, else Chinese)."""
        return self.label_en if _is_en(locale) and self.label_en else self.label

    def help_for(self, locale: str | None = None) -> str | None:
        """Return the help text in locale, falling back to Chinese."""
        return self.help_en if _is_en(locale) and self.help_en else self.help

    def option_values(self) -> list[str]:
        """Return the allowed option values in their file order."""
        return [o.value for o in self.options]

    def option_labels(self, locale: str | None = None) -> list[tuple[str, str]]:
        """Return (value, label) pairs for rendering a select."""
        return [(o.value, o.label_for(locale)) for o in self.options]

    def option_label(self, value: Any, locale: str | None = None) -> str:
        """Return the label of one option value; unknown values are shown as-is."""
        for o in self.options:
            if o.value == value:
                return o.label_for(locale)
        return "" if value is None else str(value)

    def column(self, name: str) -> FieldDef:
        """Return the table column called name (KeyError when absent)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def to_dict(self) -> dict:
        """Return the field in the form file format (only non-default keys)."""
        out: dict[str, Any] = {"name": self.name, "label": self.label}
        if self.label_en:
            out["label_en"] = self.label_en
        out["type"] = self.type
        for key in ("required", "readonly"):
            if getattr(self, key):
                out[key] = True
        if self.default is not None:
            out["default"] = self.default
        for key in ("help", "help_en", "min_length", "max_length", "pattern",
                    "places", "min_rows", "max_rows"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in ("min", "max"):
            value = getattr(self, key)
            if value is not None:
                out[key] = _bound_to_json(value)
        if self.options:
            out["options"] = [o.to_dict() for o in self.options]
        if self.columns:
            out["columns"] = [c.to_dict() for c in self.columns]
        return out


def _bound_to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # Integral bounds stay numbers; others are strings so no float rounding creeps in.
        return int(value) if value == value.to_integral_value() else format(value, "f")
    return value


@dataclass
class FormDef:
    """A task form: key (= file name), titles and ordered fields."""

    key: str
    title: str
    title_en: str | None = None
    description: str | None = None
    fields: list[FieldDef] = dc_field(default_factory=list)
    # Built marshmallow schemas, filled by schema.build_schema; not part of equality.
    _schemas: dict = dc_field(default_factory=dict, init=False, repr=False, compare=False)

    def title_for(self, locale: str | None = None) -> str:
        """Return the title in locale, falling back to Chinese."""
        return self.title_en if _is_en(locale) and self.title_en else self.title

    def field(self, name: str) -> FieldDef:
        """Return the field called name (KeyError when absent)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def field_names(self) -> list[str]:
        """Return the top-level field names in order."""
        return [f.name for f in self.fields]

    def editable_fields(self) -> list[FieldDef]:
        """Return the fields a submission may set (everything not readonly)."""
        return [f for f in self.fields if not f.readonly]

    def to_dict(self) -> dict:
        """Return the form in the form file format (round-trips through the loader)."""
        out: dict[str, Any] = {"key": self.key, "title": self.title}
        if self.title_en:
            out["title_en"] = self.title_en
        if self.description:
            out["description"] = self.description
        out["fields"] = [f.to_dict() for f in self.fields]
        return out
