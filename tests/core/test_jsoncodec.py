"""Stored JSON text: written by orjson, read back as the standard library would have written and read it."""
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from app import jsoncodec


def _typed(obj):
    # What a serializer's `default` does: a typed form for values JSON has no form for.
    if isinstance(obj, datetime | date):
        return {"typename": type(obj).__name__, "value": obj.isoformat()}
    if isinstance(obj, timedelta):
        return {"typename": "timedelta", "value": obj.total_seconds()}
    if isinstance(obj, set):
        return sorted(obj)
    raise TypeError(type(obj).__name__)


def test_chinese_and_nesting_read_back_as_json_writes_them():
    value = {"产品名称": "电线电缆", "items": [{"n": 1, "x": 1.5, "ok": True, "none": None}], "empty": {}}
    text = jsoncodec.dumps(value)
    assert "电线电缆" in text  # UTF-8, not \u escapes: less text in every stored state
    assert jsoncodec.loads(text) == json.loads(json.dumps(value)) == value


def test_dates_times_and_dataclasses_go_through_default_as_with_json():
    @dataclass
    class Point:
        x: int

    now = datetime.now(UTC)
    value = {"at": now, "day": now.date(), "wait": timedelta(days=3), "tags": {"a"}}
    assert jsoncodec.loads(jsoncodec.dumps(value, default=_typed)) == json.loads(json.dumps(value, default=_typed))
    with pytest.raises(TypeError):
        jsoncodec.dumps({"p": Point(1)})  # json refuses it too; orjson alone would have written {"x": 1}


def test_what_orjson_refuses_is_written_by_json():
    value = {1: "整数键", "big": 2**70, "deep": [[[]]]}
    assert jsoncodec.loads(jsoncodec.dumps(value)) == {"1": "整数键", "big": 2**70, "deep": [[[]]]}
    assert jsoncodec.loads(jsoncodec.dumps({"s": "\ud800"})) == {"s": "\ud800"}


def test_unwritable_value_raises_type_error_like_json():
    with pytest.raises(TypeError):
        jsoncodec.dumps({"x": object()})


def test_not_a_number_is_stored_as_null_and_old_tokens_still_read():
    assert jsoncodec.loads(jsoncodec.dumps({"v": float("nan")})) == {"v": None}
    assert math.isnan(jsoncodec.loads('{"v": NaN}')["v"])  # text json.dumps wrote before
    with pytest.raises(json.JSONDecodeError):
        jsoncodec.loads("{not json")
