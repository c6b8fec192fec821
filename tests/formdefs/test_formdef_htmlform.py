"""HTML form input: flat "table-<row>-<col>" keys, checkboxes and multi-valued keys."""

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from app.formdefs import cell_error_key, load_form, unflatten_form, validate_submission

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def form():
    return load_form(FIXTURES / "failed_sample_notice.json")


def posted(*extra):
    return MultiDict([
        ("notice_date", "2024-05-06"),
        ("enterprise_uscc", "91110108551385082q"),
        ("enterprise_name", "北京某化工有限公司"),
        ("product_category", "hazardous_chemicals"),
        ("conclusion", "fail"),
        ("fine_amount", "2000"),
        ("measures", "recall"),
        ("measures", "stop_sale"),
        ("evidence", "12"),
        ("evidence", "13"),
        ("case_no", "ignored"),
        ("csrf_token", "abc"),
        *extra,
    ])


def test_unflatten_rows_sorted_blank_rows_dropped(form):
    data = unflatten_form(posted(
        ("failed_items-10-item", "闪点"),
        ("failed_items-2-item", "包装标识"),
        ("failed_items-2-is_safety", "on"),
        ("failed_items-5-item", ""),           # empty template row
        ("failed_items-5-limit", "  "),
        ("failed_items-7-bogus", "x"),          # unknown column: no row
        ("failed_items-x-item", "x"),           # bad row number: ignored
    ), form)
    assert data["failed_items"] == [
        {"item": "包装标识", "is_safety": "on"},
        {"item": "闪点", "is_safety": False},
    ]
    assert data["measures"] == ["recall", "stop_sale"]
    assert data["evidence"] == ["12", "13"]
    assert data["objection_filed"] is False and data["confirmed"] is False
    assert "case_no" not in data and "csrf_token" not in data
    assert "remarks" not in data  # absent stays absent, so defaults can apply


def test_multidict_submission_validates(form):
    clean, errors = validate_submission(form, posted(
        ("failed_items-0-item", "闪点"), ("failed_items-0-is_safety", "on"), ("confirmed", "on")))
    assert errors == {}
    assert clean["enterprise_uscc"] == "91110108551385082Q"
    assert clean["measures"] == ["stop_sale", "recall"]  # option order
    assert clean["evidence"] == [12, 13]
    assert clean["fine_amount"] == "2000.00"
    assert clean["confirmed"] is True and clean["objection_filed"] is False
    assert clean["failed_items"] == [{"item": "闪点", "limit": None, "measured": None, "is_safety": True}]
    assert "case_no" not in clean


def test_hidden_input_then_checkbox_last_value_wins(form):
    data = unflatten_form(MultiDict([("confirmed", "0"), ("confirmed", "on"), ("objection_filed", "0")]), form)
    assert data["confirmed"] == "on" and data["objection_filed"] == "0"


def test_cell_errors_match_unflattened_positions(form):
    # Row 3 in the HTML becomes row 1 after the blank row 1 is dropped.
    _, errors = validate_submission(form, posted(
        ("failed_items-0-item", "闪点"),
        ("failed_items-1-item", ""),
        ("failed_items-3-limit", "≤ 60 ℃"),
    ))
    assert errors == {cell_error_key("failed_items", 1, "item"): ["必填项"]}
    assert cell_error_key("failed_items", 1, "item") == "failed_items[1].item"


def test_no_rows_posted(form):
    _, errors = validate_submission(form, posted())
    assert errors == {"failed_items": ["至少填写 1 行"]}


def test_plain_dict_input(form):
    data = unflatten_form({"measures": "recall", "failed_items-0-item": "x", "confirmed": "on"}, form)
    assert data["measures"] == ["recall"]
    assert data["failed_items"] == [{"item": "x", "is_safety": False}]
    assert data["confirmed"] == "on"
