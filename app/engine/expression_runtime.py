"""Running vetted BPMN expressions and scripts: guarded loops and arithmetic, no real builtins.

The static check lives in expressions.py; this module is what SpiffWorkflow's script engine calls.
"""
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from app.engine import expressions
from app.engine.expressions import (
    _GUARD_ITER,
    _GUARD_LSHIFT,
    _GUARD_MUL,
    _GUARD_NAMES,
    _GUARD_POW,
    MAX_INT_BITS,
    MAX_ITERATIONS,
    MAX_SEQUENCE_ITEMS,
    SAFE_BUILTINS,
    ExpressionRefused,
    _refuse_big,
    ensure_expression,
)
from app.engine.size_guards import _weight, make_guards, refuse


def _runtime_globals(text) -> dict:
    remaining = MAX_ITERATIONS

    def guarded_iter(iterable):
        nonlocal remaining
        for item in iterable:
            remaining -= 1
            if remaining < 0:
                raise ExpressionRefused(text, "loop_limit", f"循环次数超过上限（{MAX_ITERATIONS} 次）")
            yield item

    def guarded_mul(a, b):
        for seq, count in ((a, b), (b, a)):
            if isinstance(count, int) and isinstance(seq, (str, bytes, list, tuple)) \
                    and _weight(seq) * count > MAX_SEQUENCE_ITEMS:
                raise refuse(text, "*")
        if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise _refuse_big(text)
        return a * b

    def guarded_pow(a, b):
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 \
                and a.bit_length() * b > MAX_INT_BITS:
            raise _refuse_big(text)
        return a ** b

    def guarded_lshift(a, b):
        if isinstance(a, int) and isinstance(b, int) and a and a.bit_length() + b > MAX_INT_BITS:
            raise _refuse_big(text)
        return a << b

    return {
        **make_guards(text),
        _GUARD_ITER: guarded_iter, _GUARD_MUL: guarded_mul,
        _GUARD_POW: guarded_pow, _GUARD_LSHIFT: guarded_lshift,
        # Helpers sit beside the safe builtins, so task data may shadow them like any builtin.
        "__builtins__": {**SAFE_BUILTINS, **expressions.HELPERS},
    }


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that vets every text and runs it without the real builtins."""

    def __init__(self):
        super().__init__({})

    def evaluate(self, expression, context, external_context=None):
        """Evaluate a vetted expression over task data; raise ExpressionRefused if refused."""
        code = ensure_expression(expression, "eval")
        self._prepare_context(context)
        scope = {**(external_context or {}), **context}
        scope.update(_runtime_globals(expression))  # last: data may not replace guards or builtins
        return eval(code, scope)

    def execute(self, script, context, external_context=None):
        """Run a vetted script with task data as its globals, then strip non-data names again."""
        code = ensure_expression(script, "exec")
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        self._prepare_context(context)
        context.update(external_context)
        context.update(_runtime_globals(script))
        try:
            exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True

    def _remove_globals_and_functions_from_context(self, context, external_context=None):
        # Keep task data JSON-friendly: drop builtins, guards, the __annotations__
        # an annotated assignment creates, external names and anything callable.
        for key in list(context):
            if key in ("__builtins__", "__annotations__") or key in _GUARD_NAMES \
                    or (external_context and key in external_context) or callable(context[key]):
                context.pop(key)


def make_script_engine() -> PythonScriptEngine:
    """Script engine for BpmnWorkflow that uses the restricted environment."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
