"""Strict loading of form files (forms/<key>.json) and the registry that serves them."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .checks import FORM_KEY, FormDefError, parse_form
from .model import FormDef

__all__ = ["FormDefError", "FormRegistry", "UnknownFormKey", "load_form", "load_form_dict"]

# Python's json messages are English; the common ones are translated for form authors.
_JSON_MESSAGES = {
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting value": "缺少值（或有多余的逗号）",
    "Expecting property name enclosed in double quotes": "属性名须用双引号括起（或有多余的逗号）",
    "Extra data": "JSON 结束后还有多余内容",
    "Unterminated string starting at": "字符串缺少结束引号",
    "Invalid control character at": "字符串中含有控制字符",
    "Invalid \\escape": "无效的转义字符",
}


class UnknownFormKey(KeyError):
    """No form file exists for the requested key."""

    def __init__(self, key: str, forms_dir: str | os.PathLike = "forms"):
        self.key = key
        self.message = f"表单「{key}」不存在：缺少表单定义文件 {Path(forms_dir) / f'{key}.json'}"
        super().__init__(self.message)

    def __str__(self) -> str:
        # KeyError would otherwise show the message in quotes.
        return self.message


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for k, v in pairs:
        if k in seen:
            raise _DuplicateKey(k)
        seen[k] = v
    return seen


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def load_form(path: str | os.PathLike) -> FormDef:
    """Load and strictly validate one form file; raise FormDefError listing all problems."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormDefError(source, [(None, f"文件不是有效的 UTF-8 编码（第 {exc.start} 字节）")]) from None
    except OSError as exc:
        raise FormDefError(source, [(None, f"无法读取文件：{exc.strerror or exc}")]) from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        msg = next((zh for en, zh in _JSON_MESSAGES.items() if exc.msg.startswith(en)), exc.msg)
        where = f"第 {exc.lineno} 行第 {exc.colno} 列"
        raise FormDefError(source, [(None, f"JSON 语法错误：{where}，{msg}")]) from None
    except _DuplicateKey as exc:
        raise FormDefError(source, [(None, f"JSON 中属性「{exc.args[0]}」重复出现")]) from None
    except ValueError as exc:
        raise FormDefError(source, [(None, f"JSON 中不允许使用 {exc.args[0]}")]) from None
    return parse_form(data, source, expected_key=path.stem)


def load_form_dict(data: Any, source: str = "<name>") -> FormDef:
    """Validate an already-parsed form dict (same rules as a file, minus the file name)."""
    return parse_form(data, source)


class FormRegistry:
    """Serves FormDefs from a forms directory, re-reading a file when it changes."""

    def __init__(self, forms_dir: str | os.PathLike):
        self.forms_dir = Path(forms_dir)
        self._cache: dict[str, tuple[tuple[int, int], FormDef]] = {}
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path | None:
        # Keys come from BPMN files and URLs; only plain names may reach the file system.
        if not isinstance(key, str) or not FORM_KEY.match(key):
            return None
        return self.forms_dir / f"{key}.json"

    def _files(self) -> list[Path]:
        if not self.forms_dir.is_dir():
            return []
        return sorted(p for p in self.forms_dir.glob("*.json")
                      if p.is_file() and not p.name.startswith("."))

    def keys(self) -> list[str]:
        """Return the keys of the form files in the directory, sorted."""
        # A file whose name is not a valid key cannot be served; check_all reports it.
        return [p.stem for p in self._files() if FORM_KEY.match(p.stem)]

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key) -> bool:
        path = self._path(key)
        return path is not None and path.is_file()

    def get(self, key: str) -> FormDef:
        """Return the form for key; UnknownFormKey when no file, FormDefError when malformed."""
        path = self._path(key)
        try:
            st = path.stat() if path else None
        except FileNotFoundError:
            st = None
        if st is None:
            raise UnknownFormKey(key, self.forms_dir)
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            cached = self._cache.get(key)
            if cached and cached[0] == stamp:
                return cached[1]
        form = load_form(path)
        with self._lock:
            self._cache[key] = (stamp, form)
        return form

    def reload(self) -> None:
        """Forget every cached form so the next get() re-reads its file."""
        with self._lock:
            self._cache.clear()

    def check_all(self) -> list[FormDefError]:
        """Load every form file and return the errors of the malformed ones."""
        errors: list[FormDefError] = []
        for path in self._files():
            try:
                load_form(path)
            except FormDefError as exc:
                errors.append(exc)
        return errors

    def missing_keys(self, keys: Iterable[str | None]) -> set[str]:
        """Return the non-empty keys among keys that have no form file."""
        return {k for k in keys if k and ((p := self._path(k)) is None or not p.is_file())}
