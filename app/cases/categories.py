"""Product classes: read from the product_class table (national classes plus provincial and city additions).

Every page, form and report reads the classes through these functions. The table is small and read on
every row of a list, so it is held in memory; an admin's change clears the copy (other worker processes
read again after CACHE_SECONDS).
"""
import time
from dataclasses import dataclass

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import select

from app.db import db

CACHE_SECONDS = 60
_cache: dict = {"at": 0.0, "rows": None}


@dataclass(frozen=True)
class ClassRow:
    """A product class as the readers see it."""

    code: str
    name: str
    name_en: str
    region_code: str
    is_key: bool
    year_from: int | None
    year_to: int | None

    def active_in(self, year: int | None) -> bool:
        """True when the class is listed for `year` (any year when None)."""
        return year is None or ((self.year_from is None or self.year_from <= year)
                                and (self.year_to is None or year <= self.year_to))

    def applies_to(self, region_codes) -> bool:
        """True for a national class or one added by one of `region_codes` (a unit and its parents)."""
        return not self.region_code or self.region_code in region_codes


def clear_cache() -> None:
    """Forget the in-memory copy (after an admin edit)."""
    _cache["rows"] = None


def class_rows() -> dict[str, ClassRow]:
    """Every product class by code, in display order."""
    rows = _cache["rows"]
    if rows is None or time.monotonic() - _cache["at"] > CACHE_SECONDS:
        from app.campaigns.models import ProductClass

        rows = {p.code: ClassRow(p.code, p.name, p.name_en, p.region_code, p.is_key, p.year_from, p.year_to)
                for p in db.scalars(select(ProductClass).order_by(ProductClass.sort_order, ProductClass.id))}
        if rows:  # an empty table is never kept (it is read again until it has its classes)
            _cache.update(rows=rows, at=time.monotonic())
    return rows


def _english() -> bool:
    return has_request_context() and str(get_locale() or "").startswith("en")


def category_label(code) -> str:
    """The name of a class code in the user's language; the code itself when unknown, "" when empty."""
    row = class_rows().get(code) if code else None
    if row is None:
        return code or ""
    return row.name_en if _english() and row.name_en else row.name


def is_key_class(code) -> bool:
    """True when the class counts as a key product (the 30% indicator)."""
    row = class_rows().get(code) if code else None
    return bool(row and row.is_key)


def unit_region_codes(unit) -> set[str]:
    """The region codes of a bureau and every bureau above it (whose class additions apply to it)."""
    codes = set()
    while unit is not None:
        codes.add(unit.code)
        unit = unit.parent
    return codes


def class_choices(unit=None, year=None, include=()) -> dict[str, str]:
    """{code: label} of the classes a bureau may choose in `year`: national ones and its region's additions.

    `include` keeps codes already chosen (e.g. on a case from an earlier year) in the list.
    """
    regions = unit_region_codes(unit) if unit is not None else None
    return {c: category_label(c) for c, row in class_rows().items()
            if c in include or (row.active_in(year) and (regions is None or row.applies_to(regions)))}


def is_known_class(code) -> bool:
    """True when `code` is a class of the table."""
    return bool(code) and code in class_rows()


def class_code(text) -> str:
    """The code of a class given by its code or its Chinese or English name (imports name classes in words)."""
    text = (text or "").strip()
    rows = class_rows()
    if text in rows:
        return text
    for code, row in rows.items():
        if text in (row.name, row.name_en):
            return code
    return text
