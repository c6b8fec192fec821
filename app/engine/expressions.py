"""Restricted Python for BPMN conditions, timer and dueRule expressions and script tasks.

SpiffWorkflow evaluates every condition, timer, DMN cell and script with plain
eval/exec over task data, and process definitions are uploaded by users.  Each
text is therefore vetted statically with ``ast`` (an allow-list of syntax, no
dunder names, no imports, calls only to vetted functions) and then run with a
builtins table that holds nothing dangerous.  SpiffWorkflow has no timeout, so
loops and size-exploding arithmetic are also bounded at runtime (expression_runtime.py).
"""
from __future__ import annotations

import ast
import copy
import functools
import inspect
import keyword
import types
from collections.abc import Callable

from app.engine.syntax_words import syntax_words

MAX_EVAL_LENGTH = 4_000
MAX_SCRIPT_LENGTH = 20_000
MAX_RANGE_ITEMS = 10_000
MAX_ITERATIONS = 100_000  # total loop + comprehension steps per evaluate/execute call
MAX_SEQUENCE_ITEMS = 1_000_000  # longest str/list a `*` may build
MAX_INT_BITS = 100_000  # largest int `*`, `**` or `<<` may build

# Attribute names without "__" that still lead to frames, code objects or the
# format mini-language (which walks attributes on its own, e.g. "{0.__class__}").
DENIED_ATTRIBUTES = frozenset({
    "format", "format_map", "mro",
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "cr_origin",
    "ag_frame", "ag_code", "ag_await",
    "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "f_trace",
    "tb_frame", "tb_next", "func_globals", "func_code", "func_closure",
    "co_code", "co_consts", "co_names", "im_func", "im_self", "im_class",
})

# Names injected by the AST rewrite.  They contain "__", which authors may not
# write, so an expression can neither call nor replace them directly.
_GUARD_ITER = "__qsflow_iter__"
_GUARD_MUL = "__qsflow_mul__"
_GUARD_POW = "__qsflow_pow__"
_GUARD_LSHIFT = "__qsflow_lshift__"
_GUARD_ADD = "__qsflow_add__"
_GUARD_MOD = "__qsflow_mod__"
_GUARD_METHOD = "__qsflow_method__"
_GUARD_FORMAT = "__qsflow_format__"
_GUARD_NAMES = (_GUARD_ITER, _GUARD_MUL, _GUARD_POW, _GUARD_LSHIFT, _GUARD_ADD, _GUARD_MOD, _GUARD_METHOD,
                _GUARD_FORMAT)


class ExpressionRefused(ValueError):
    """An expression or script that the sandbox refuses to run."""

    def __init__(self, expression, reason: str, message: str, problems=None):
        # args[0] must stay the message: PythonScriptEngine builds its error text from it.
        super().__init__(message)
        self.expression = expression
        self.reason = reason
        self.message = message
        self.problems = list(problems or [message])


def _refuse_big(text) -> ExpressionRefused:
    return ExpressionRefused(text, "too_large", "计算结果过大，已拒绝执行")


def _safe_range(*args) -> range:
    """range() limited to MAX_RANGE_ITEMS items."""
    items = range(*args)
    try:
        size = len(items)
    except OverflowError:  # longer than sys.maxsize
        size = MAX_RANGE_ITEMS + 1
    if size > MAX_RANGE_ITEMS:
        raise ExpressionRefused(f"range{args}", "range_too_large",
                                f"range 范围过大（上限 {MAX_RANGE_ITEMS} 项）")
    return items


SAFE_BUILTINS: dict[str, object] = {
    "len": len, "min": min, "max": max, "sum": sum, "abs": abs, "round": round,
    "int": int, "float": float, "str": str, "bool": bool,
    "list": list, "dict": dict, "set": set, "tuple": tuple,
    "sorted": sorted, "any": any, "all": all, "range": _safe_range,
    "enumerate": enumerate, "zip": zip,
    "None": None, "True": True, "False": False,
}

HELPERS: dict[str, Callable] = {}
_registry_version = 0  # part of the analysis cache key: new helpers change what may be called


def _qualified(func) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


def register_helper(name=None):
    """Decorator that makes a plain function callable from expressions, as `name` or its own name."""
    if callable(name):  # used bare: @register_helper
        return register_helper()(name)

    def decorator(func):
        global _registry_version
        helper_name = name or func.__name__
        if not helper_name.isidentifier() or helper_name.startswith("_") or keyword.iskeyword(helper_name):
            raise ValueError(f"invalid helper name: {helper_name!r}")
        if helper_name in SAFE_BUILTINS:
            raise ValueError(f"helper {helper_name!r} would shadow a safe builtin")
        # Modules and classes carry attributes (os.system, mro, ...) that the
        # static check cannot see through; only plain callables are safe to expose.
        if not callable(func) or inspect.isclass(func) or isinstance(func, types.ModuleType):
            raise TypeError(f"helper {helper_name!r} must be a function")
        existing = HELPERS.get(helper_name)
        # Re-registering the same function (module reload in tests) is fine; a clash is not.
        if existing is not None and _qualified(existing) != _qualified(func):
            raise ValueError(f"helper {helper_name!r} is already registered by {_qualified(existing)}")
        HELPERS[helper_name] = func
        _registry_version += 1
        return func

    return decorator


def helper_names() -> list[str]:
    """Sorted names of all registered helpers."""
    return sorted(HELPERS)


@register_helper
def contains(collection, item) -> bool:
    """True when item is in collection; None counts as an empty collection."""
    return collection is not None and item in collection


@register_helper
def coalesce(*values):
    """First value that is neither None nor an empty string, else None."""
    return next((v for v in values if v is not None and v != ""), None)


# --- static check -------------------------------------------------------------

_EXPR_NODES = (
    ast.Expression, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Dict, ast.Set,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Compare, ast.Call,
    ast.FormattedValue, ast.JoinedStr, ast.Constant, ast.Attribute, ast.Subscript,
    ast.Starred, ast.Name, ast.List, ast.Tuple, ast.Slice, ast.expr_context, ast.boolop,
    ast.operator, ast.unaryop, ast.cmpop, ast.comprehension, ast.keyword,
)
_SCRIPT_NODES = _EXPR_NODES + (
    ast.Module, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.If, ast.For, ast.Expr,
    ast.Pass, ast.Break, ast.Continue, ast.Delete,
)
_LOOP_ITERABLES = (ast.Name, ast.Attribute, ast.Subscript, ast.List, ast.Tuple, ast.Set, ast.Call)

_IMPORT = ("import", "不允许导入模块（import）")
_DEFINITION = ("definition", "不允许定义函数或类")
_SCOPE = ("scope", "不允许使用 global / nonlocal")
_STATEMENT = ("statement", "不允许使用 try / with / raise / assert 语句")
_GENERATOR = ("generator", "不允许使用 yield / await")
_REFUSED_NODES = {
    ast.Import: _IMPORT, ast.ImportFrom: _IMPORT,
    ast.Lambda: ("lambda", "不允许使用 lambda 表达式"),
    ast.While: ("while", "不允许使用 while 循环，请改用 for 循环"),
    ast.FunctionDef: _DEFINITION, ast.AsyncFunctionDef: _DEFINITION, ast.ClassDef: _DEFINITION,
    ast.Global: _SCOPE, ast.Nonlocal: _SCOPE,
    ast.Try: _STATEMENT, ast.TryStar: _STATEMENT, ast.With: _STATEMENT,
    ast.AsyncWith: _STATEMENT, ast.Raise: _STATEMENT, ast.Assert: _STATEMENT,
    ast.Yield: _GENERATOR, ast.YieldFrom: _GENERATOR, ast.Await: _GENERATOR,
    ast.NamedExpr: ("forbidden_syntax", "不允许使用赋值表达式 :="),
}


def _limit(mode: str) -> int:
    if mode not in ("eval", "exec"):
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    return MAX_EVAL_LENGTH if mode == "eval" else MAX_SCRIPT_LENGTH


def _noun(mode: str) -> str:
    return "表达式" if mode == "eval" else "脚本"


def _source(text: str, mode: str) -> str:
    # Pretty-printed XML puts newlines and indentation around timer and condition
    # texts; a single expression does not care, but ast.parse would refuse it.
    return text.strip() if mode == "eval" else text


@functools.lru_cache(maxsize=2048)
def _parse(text: str, mode: str):
    """Parse once per text: (tree, None) or (None, (reason, message))."""
    try:
        return ast.parse(_source(text, mode), mode=mode), None
    except SyntaxError as exc:
        where = f"第 {exc.lineno} 行" + (f"第 {exc.offset} 列" if exc.offset else "")
        return None, ("syntax", f"{_noun(mode)}语法错误，{where}：{syntax_words(exc.msg)}")
    except ValueError as exc:  # e.g. NUL bytes on older Pythons
        return None, ("syntax", f"{_noun(mode)}语法错误：{exc}")


def _node_problems(tree, mode: str, known_names) -> list[tuple[str, str]]:
    noun = _noun(mode)
    allowed = _EXPR_NODES if mode == "eval" else _SCRIPT_NODES
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    callable_names = set(SAFE_BUILTINS) | set(HELPERS) | assigned
    problems = []

    def add(node, reason, message):
        line = getattr(node, "lineno", None)
        prefix = f"第 {line} 行：" if mode == "exec" and line else ""
        problems.append((reason, f"{prefix}{noun}{message}"))

    stack = [tree]  # depth-first in source order; refused nodes are not entered
    while stack:
        node = stack.pop()
        if type(node) in _REFUSED_NODES:
            add(node, *_REFUSED_NODES[type(node)])
            continue
        if not isinstance(node, allowed):
            add(node, "forbidden_syntax", f"不允许使用该语法：{type(node).__name__}")
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
        if isinstance(node, ast.Name) and "__" in node.id:
            add(node, "dunder", f"不允许使用双下划线名称：{node.id}")
        elif isinstance(node, ast.Attribute):
            if "__" in node.attr:
                add(node, "dunder", f"不允许使用双下划线名称：{node.attr}")
            elif node.attr.startswith("_") or node.attr in DENIED_ATTRIBUTES:
                add(node, "forbidden_attribute", f"不允许访问属性：{node.attr}")
            elif not isinstance(node.ctx, ast.Load):
                add(node, "forbidden_attribute", f"不允许给属性赋值或删除属性：{node.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                if "__" in func.id or func.id in callable_names:
                    continue  # dunder names are reported by their own Name node
                if known_names and func.id in known_names:
                    add(node, "unknown_name", f"不能把数据变量当作函数调用：{func.id}")
                else:
                    add(node, "unknown_name", f"调用了未知函数：{func.id}（只能调用安全内置函数和已注册的辅助函数）")
            elif not isinstance(func, ast.Attribute):
                add(node, "forbidden_call", "只能调用具名函数或方法")
        elif isinstance(node, ast.For) and not isinstance(node.iter, _LOOP_ITERABLES):
            add(node, "forbidden_loop", "for 循环只能遍历变量、列表或函数调用的结果")
    return list(dict.fromkeys(problems))  # same problem at several places: report once


class _GuardRewriter(ast.NodeTransformer):
    """Route loops and size-exploding operators through the runtime guards."""

    _OPS = {ast.Mult: _GUARD_MUL, ast.Pow: _GUARD_POW, ast.LShift: _GUARD_LSHIFT, ast.Add: _GUARD_ADD,
            ast.Mod: _GUARD_MOD}

    @staticmethod
    def _call(name, args, like):
        return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), args, []), like)

    def visit_For(self, node):
        self.generic_visit(node)
        node.iter = self._call(_GUARD_ITER, [node.iter], node.iter)
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        node.iter = self._call(_GUARD_ITER, [node.iter], node.iter)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        guard = self._OPS.get(type(node.op))
        return self._call(guard, [node.left, node.right], node) if guard else node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute):
            # obj.name(...) -> __qsflow_method__(obj, "name")(...): string methods that build text get a size check.
            node.func = self._call(_GUARD_METHOD, [node.func.value, ast.Constant(node.func.attr)], node.func)
        return node

    def visit_FormattedValue(self, node):
        self.generic_visit(node)
        if node.format_spec is None:
            return node
        # f"{x:100000000}" pads before any other guard sees the result: check the spec's numbers first.
        value = self._call(_GUARD_FORMAT, [node.value, node.format_spec, ast.Constant(node.conversion)], node)
        return ast.copy_location(ast.FormattedValue(value, -1, None), node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        guard = self._OPS.get(type(node.op))
        if guard is None:
            return node
        current = copy.deepcopy(node.target)  # Name or Subscript: attribute stores are refused
        current.ctx = ast.Load()
        value = self._call(guard, [current, node.value], node)
        return ast.copy_location(ast.Assign([node.target], value), node)


@functools.lru_cache(maxsize=2048)
def _analyse(text: str, mode: str, registry_version: int, known_names: frozenset):
    """Check and compile one text: (problems, code or None); cached per helper registry version."""
    tree, syntax_problem = _parse(text, mode)
    if syntax_problem:
        return (syntax_problem,), None
    problems = _node_problems(tree, mode, known_names)
    if problems:
        return tuple(problems), None
    guarded = ast.fix_missing_locations(_GuardRewriter().visit(copy.deepcopy(tree)))
    # "<string>" is the file name PythonScriptEngine looks for to report the failing line.
    return (), compile(guarded, "<string>", mode)


def _problems_and_code(text, mode: str, known_names=None):
    limit = _limit(mode)
    noun = _noun(mode)
    if not isinstance(text, str):
        return (("syntax", f"{noun}必须是文本"),), None
    if len(text) > limit:
        return (("too_long", f"{noun}过长（{len(text)} 个字符，上限 {limit}）"),), None
    return _analyse(text, mode, _registry_version, frozenset(known_names or ()))


def check_expression(text, mode: str = "eval", known_names=None) -> list[str]:
    """Statically check an expression ("eval") or script ("exec"); returns Chinese problems, empty if ok."""
    problems, _ = _problems_and_code(text, mode, known_names)
    return [message for _, message in problems]


def ensure_expression(text, mode: str = "eval"):
    """Check a text and return its compiled code; raise ExpressionRefused when it is refused."""
    problems, code = _problems_and_code(text, mode)
    if problems:
        messages = [message for _, message in problems]
        raise ExpressionRefused(text, problems[0][0], "；".join(messages), messages)
    return code
