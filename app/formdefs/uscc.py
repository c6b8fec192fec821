"""Unified social credit code (统一社会信用代码) per GB 32100-2015."""

from __future__ import annotations

import unicodedata

# 31 symbols; I, O, S, V and Z are left out so they cannot be confused with digits.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18

_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}

MSG_LENGTH = "统一社会信用代码应为 18 位"
MSG_CHARS = "统一社会信用代码含有无效字符（不能包含 I、O、S、V、Z 或其他符号）"
MSG_REGION = "统一社会信用代码第 3-8 位应为数字（登记管理机关行政区划码）"
MSG_CHECK = "统一社会信用代码校验位错误"


def normalize_uscc(code: str) -> str:
    """Return the code stripped and upper-cased, ready for validation or storage."""
    # NFKC turns full-width digits/letters typed with a Chinese IME into ASCII.
    return unicodedata.normalize("NFKC", code).strip().upper()


def uscc_check_char(first17: str) -> str:
    """Return the check character for the first 17 characters of a USCC."""
    body = normalize_uscc(first17)
    if len(body) != USCC_LENGTH - 1:
        raise ValueError("USCC body must be 17 characters")
    try:
        total = sum(_VALUES[ch] * w for ch, w in zip(body, WEIGHTS, strict=False))
    except KeyError as exc:
        raise ValueError(f"invalid USCC character {exc.args[0]!r}") from None
    return ALPHABET[(31 - total % 31) % 31]


def make_uscc(prefix17: str) -> str:
    """Return prefix17 (normalized) with its check character appended."""
    body = normalize_uscc(prefix17)
    return body + uscc_check_char(body)


def uscc_problem(code: str) -> str | None:
    """Return a Chinese message describing why code is not a valid USCC, or None."""
    code = normalize_uscc(code)
    if len(code) != USCC_LENGTH:
        return MSG_LENGTH
    if any(ch not in _VALUES for ch in code):
        return MSG_CHARS
    if not code[2:8].isdigit():
        return MSG_REGION
    if uscc_check_char(code[:17]) != code[17]:
        return MSG_CHECK
    return None


def is_valid_uscc(code: str) -> bool:
    """Return True when code (after normalization) is a valid USCC."""
    return isinstance(code, str) and uscc_problem(code) is None
