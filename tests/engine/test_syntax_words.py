"""The modeler's and deploy's syntax messages are Chinese, not Python's English."""
import pytest

from app.engine.expressions import check_expression


@pytest.mark.parametrize(("text", "words"), [
    ("(amount > 1", "“(”没有对应的右括号"),
    ("amount > 1)", "多余的“)”"),
    ("name == 'abc", "字符串缺少结束引号"),
    ("a，b", "请使用英文半角标点"),
])
def test_syntax_errors_are_explained_in_chinese(text, words):
    problems = check_expression(text)
    message = " ".join(str(p) for p in problems)
    assert words in message and "语法错误，第 1 行" in message
    assert "never closed" not in message and "unmatched" not in message
