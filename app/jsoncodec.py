"""JSON text for stored values, written and read with orjson, falling back to `json` where orjson refuses.

Every task completion writes the instance's state (10-40 KB of JSON) and the case's facts, and a worker
restoring an instance reads its state back: the standard library's encoder was a tenth of a completion,
orjson is several times faster. What differs from json.dumps:
- dates, times and dataclasses still go through `default` (options below), as with json;
- a UUID or an Enum value is written as its text or value (json would call `default`), and NaN or
  Infinity as null (json writes tokens PostgreSQL's json type rejects). Forms, message payloads and the
  restricted script builtins produce neither a UUID nor an Enum;
- no spaces, and Chinese as UTF-8 rather than \\u escapes: the same JSON, in less text.
What orjson refuses and json writes (keys that are not strings, integers beyond 64 bits, lone surrogates,
very deep nesting) is written by json.
"""
import json

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value, default=None) -> str:
    """`value` as JSON text; `default` converts what JSON has no form for (as json.dumps' `default`)."""
    try:
        return orjson.dumps(value, default=default, option=_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError: json either writes it or raises its own error
        return json.dumps(value, default=default)


def loads(text):
    """The value of JSON text (str or bytes); NaN and Infinity tokens are read as json.loads reads them."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
