"""Python's syntax error messages in Chinese, for people who write conditions and timers in the modeler."""
import re

# (pattern over Python's message, Chinese with the groups); the first match wins.
_RULES = [
    (r"^'(.)' was never closed$", "“{0}”没有对应的右括号"),
    (r"^unmatched '(.)'$", "多余的“{0}”，没有对应的左括号"),
    (r"^closing parenthesis '(.)' does not match opening parenthesis '(.)'.*$", "右括号“{0}”与左括号“{1}”不匹配"),
    (r"^unterminated (?:triple-quoted )?string literal.*$", "字符串缺少结束引号"),
    (r"^invalid character '(.)' \(U\+[0-9A-F]+\)$", "含有无效字符“{0}”，请使用英文半角标点"),
    (r"^invalid non-printable character.*$", "含有不可见的无效字符"),
    (r"^invalid syntax\. Perhaps you forgot a comma\?$", "写法无效，可能缺少逗号"),
    (r"^invalid syntax\. Maybe you meant '==' or ':=' instead of '='\?$", "比较是否相等请用“==”，不要用“=”"),
    (r"^cannot assign to .*Maybe you meant '==' instead of '='\?$", "比较是否相等请用“==”，不要用“=”"),
    (r"^cannot assign to .*$", "此处不能赋值"),
    (r"^invalid decimal literal$", "数字写法无效（数字后紧跟了字母？）"),
    (r"^leading zeros in decimal integer literals.*$", "整数不能以 0 开头"),
    (r"^(?:unexpected EOF while parsing|incomplete input)$", "表达式不完整"),
    (r"^expected ':'$", "缺少冒号“:”"),
    (r"^expected an indented block.*$", "缺少缩进的语句块"),
    (r"^unexpected indent$", "多余的缩进"),
    (r"^unindent does not match any outer indentation level$", "缩进与上文不一致"),
    (r"^expected 'else' after 'if' expression$", "条件表达式缺少“else”部分"),
    (r"^f-string: .*$", "格式化字符串写法有误"),
    (r"^invalid syntax$", "写法无效"),
]


def syntax_words(message: str) -> str:
    """Python's SyntaxError.msg in Chinese; a general phrase when the message is not known."""
    text = (message or "").strip()
    for pattern, words in _RULES:
        m = re.match(pattern, text)
        if m:
            return words.format(*m.groups())
    return "写法无效"
