"""Runtime checks that keep every text- or list-building operation of a BPMN expression under a size limit.

`'a'.ljust(10**8)`, `'%0100000000d' % 1` or `f"{1:100000000}"` allocate their result in one C call, before a
check of the result could run: each is refused from its arguments first (the AST rewrite in expressions.py
routes `+`, `%`, method calls and f-string format specs here).
"""
import re

from app.engine.expressions import MAX_SEQUENCE_ITEMS, ExpressionRefused

# %[(key)][flags][width][.precision]type
PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
NUMBER = re.compile(r"\d+")
SIZED = (str, bytes, list, tuple)
WIDTH_METHODS = ("ljust", "rjust", "center", "zfill")


def refuse(text, what="") -> ExpressionRefused:
    """The refusal for a result above the limit."""
    detail = f"（{what}）" if what else ""
    message = f"计算结果过大，已拒绝执行{detail}：上限 {MAX_SEQUENCE_ITEMS} 个字符或元素"
    return ExpressionRefused(text, "too_large", message)


def _weight(value) -> int:
    """Length of a text, or of a list plus the texts it holds (one level: enough for repeated references)."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value) + sum(len(v) for v in value if isinstance(v, SIZED))
    return 0


def make_guards(text) -> dict:
    """The guard functions for one evaluation of `text`, by their injected names."""

    def check(size, what=""):
        if size > MAX_SEQUENCE_ITEMS:
            raise refuse(text, what)

    def guarded_add(a, b):
        if isinstance(a, SIZED) and isinstance(b, SIZED):
            check(_weight(a) + _weight(b), "+")
        return a + b

    def guarded_mod(a, b):
        if isinstance(a, (str, bytes)):
            args = list(b) if isinstance(b, tuple) else [b]
            total = len(a) + sum(_weight(v) for v in args)
            for width, precision in PERCENT_SPEC.findall(a if isinstance(a, str) else a.decode("latin-1")):
                for number in (width, precision):
                    if number == "*":
                        total += max((abs(v) for v in args if isinstance(v, int) and not isinstance(v, bool)),
                                     default=0)
                    elif number:
                        total += int(number) if len(number) < 10 else MAX_SEQUENCE_ITEMS + 1
            check(total, "%")
        return a % b

    def guarded_format(value, spec, conversion):
        if conversion == ord("r"):
            value = repr(value)
        elif conversion == ord("s"):
            value = str(value)
        elif conversion == ord("a"):
            value = ascii(value)
        check(sum(int(n) if len(n) < 10 else MAX_SEQUENCE_ITEMS + 1 for n in NUMBER.findall(spec)), "格式")
        return format(value, spec)

    def guarded_method(obj, name):
        method = getattr(obj, name)
        if obj in (str, list):  # str.ljust("a", n): the instance is the first argument
            return lambda self, *args, **kwargs: guarded_method(self, name)(*args, **kwargs) \
                if isinstance(self, obj) else method(self, *args, **kwargs)
        if isinstance(obj, str):
            return _str_method(obj, name, method, check)
        if isinstance(obj, list) and name == "extend":
            def extend(items):
                items = list(items)
                check(_weight(obj) + _weight(items), "extend")
                return method(items)
            return extend
        return method

    return {"__qsflow_add__": guarded_add, "__qsflow_mod__": guarded_mod,
            "__qsflow_format__": guarded_format, "__qsflow_method__": guarded_method}


def _str_method(s, name, method, check):
    """A str method that checks its result size from its arguments before building it."""
    if name in WIDTH_METHODS:
        def padded(width, *args):
            if isinstance(width, int):
                check(width, name)
            return method(width, *args)
        return padded
    if name == "expandtabs":
        def expanded(tabsize=8):
            if isinstance(tabsize, int):
                check(len(s) + s.count("\t") * max(tabsize, 0), name)
            return method(tabsize)
        return expanded
    if name == "replace":
        def replaced(old, new, count=-1):
            if isinstance(old, str) and isinstance(new, str) and isinstance(count, int):
                hits = s.count(old) if old else len(s) + 1
                hits = min(hits, count) if count >= 0 else hits
                check(len(s) + hits * max(len(new) - len(old), 0), name)
            return method(old, new, count)
        return replaced
    if name == "join":
        def joined(items):
            items = list(items)
            check(sum(len(i) for i in items if isinstance(i, str)) + len(s) * max(len(items) - 1, 0), name)
            return method(items)
        return joined
    if name == "translate":
        def translated(table):
            if isinstance(table, dict):
                longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
                check(len(s) * max(longest, 1), name)
            return method(table)
        return translated
    return method
