"""Restricted expression environment: static check, runtime sandbox, SpiffWorkflow integration."""
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.engine import expressions
from app.engine.expression_runtime import RestrictedEnvironment, make_script_engine
from app.engine.expressions import (
    HELPERS,
    MAX_EVAL_LENGTH,
    MAX_SCRIPT_LENGTH,
    ExpressionRefused,
    check_expression,
    ensure_expression,
    helper_names,
    register_helper,
)

ESCAPES = [
    "().__class__.__base__.__subclasses__()",
    "__import__('os')",
    "__import__('os').system('echo pwned')",
    "getattr(x, '__class__')",
    '"{0.__class__}".format(1)',
    "'{a.__class__}'.format_map({'a': 1})",
    "[c for c in ().__class__.__bases__]",
    "type(1)",
    "str.mro()",
    "(i for i in [1]).gi_frame.f_back.f_globals",
    "f'{x.__class__}'",
    "eval('1')",
    "open('/etc/passwd').read()",
    "vars()",
    "globals()",
    "lambda: 1",
]


@pytest.fixture
def env():
    return RestrictedEnvironment()


@pytest.mark.parametrize("text", ESCAPES)
def test_escapes_refused_by_static_check(text):
    assert check_expression(text)


@pytest.mark.parametrize("text", ESCAPES)
def test_escapes_refused_at_runtime(env, text):
    with pytest.raises(ExpressionRefused):
        env.evaluate(text, {"x": 1})
    data = {"x": 1}
    with pytest.raises(ExpressionRefused):
        env.execute(f"y = {text}", data)
    assert data == {"x": 1}


@pytest.mark.parametrize("text, mode, reason", [
    ("__import__('os')", "eval", "dunder"),
    ("x.__dict__", "eval", "dunder"),
    ("import os", "exec", "import"),
    ("from os import system", "exec", "import"),
    ("f = lambda: 1", "exec", "lambda"),
    ("while True:\n    pass", "exec", "while"),
    ("def f():\n    return 1", "exec", "definition"),
    ("class A:\n    pass", "exec", "definition"),
    ("global x", "exec", "scope"),
    ("try:\n    x = 1\nexcept Exception:\n    pass", "exec", "statement"),
    ("with x:\n    pass", "exec", "statement"),
    ("raise ValueError()", "exec", "statement"),
    ("type(1)", "eval", "unknown_name"),
    ("getattr(x, 'y')", "eval", "unknown_name"),
    ("'{}'.format(1)", "eval", "forbidden_attribute"),
    ("x.mro()", "eval", "forbidden_attribute"),
    ("x._private", "eval", "forbidden_attribute"),
    ("x.f_globals", "eval", "forbidden_attribute"),
    ("x.attr = 1", "exec", "forbidden_attribute"),
    ("x[0]()", "eval", "forbidden_call"),
    ("(y := 1)", "eval", "forbidden_syntax"),
    ("for i in x + y:\n    pass", "exec", "forbidden_loop"),
    ("x = 1", "eval", "syntax"),
    ("a = (1,\nb = 2", "exec", "syntax"),
    ("x" * (MAX_EVAL_LENGTH + 1), "eval", "too_long"),
    ("x = 1\n" * (MAX_SCRIPT_LENGTH // 6 + 1), "exec", "too_long"),
])
def test_refusal_reasons(text, mode, reason):
    with pytest.raises(ExpressionRefused) as info:
        ensure_expression(text, mode)
    assert info.value.reason == reason
    assert info.value.expression == text
    assert str(info.value) == info.value.message
    assert check_expression(text, mode)


def test_messages_are_chinese_and_name_the_culprit():
    assert check_expression("().__class__") == ["表达式不允许使用双下划线名称：__class__"]
    assert "第 2 行" in check_expression("x = 1\ny = (", mode="exec")[0]
    assert check_expression("x = 1\nimport os", mode="exec") == ["第 2 行：脚本不允许导入模块（import）"]
    assert "未知函数：system" in check_expression("system('ls')")[0]
    assert "数据变量" in check_expression("amount(1)", known_names={"amount"})[0]


def test_refused_is_a_value_error_with_all_problems():
    with pytest.raises(ValueError) as info:
        ensure_expression("type(x.__class__)")
    assert len(info.value.problems) == 2


@pytest.mark.parametrize("text, data, expected", [
    ("amount > 100 and status == 'open'", {"amount": 150, "status": "open"}, True),
    ("len(items) >= 2 or not items", {"items": []}, True),
    ("max(scores) - min(scores)", {"scores": [3, 9, 4]}, 6),
    ("round(sum(x * 1.5 for x in vals), 1)", {"vals": [1, 2]}, 4.5),
    ("{k: v for k, v in d.items() if v}", {"d": {"a": 1, "b": 0}}, {"a": 1}),
    ("sorted(set(tags))[0].upper()", {"tags": ["b", "a", "b"]}, "A"),
    ("f'{name}-{count:03d}'", {"name": "案", "count": 7}, "案-007"),
    ("d.get('missing', 'x')", {"d": {}}, "x"),
    ('"P15D"', {}, "P15D"),
    ('\n    "P15D"\n  ', {}, "P15D"),  # timer text as it sits indented in the XML
    ("deadline", {"deadline": "2024-05-01T00:00:00+00:00"}, "2024-05-01T00:00:00+00:00"),
    ("contains(roles, 'legal') and coalesce(None, '', 'x') == 'x'", {"roles": ["legal"]}, True),
    ("contains(None, 1)", {}, False),
    ("list(zip(range(3), 'abc'))[2]", {}, (2, "c")),
    ("2 ** 10 + (1 << 4) + 3 * 'ab'.count('a')", {}, 1043),
])
def test_allowed_expressions(env, text, data, expected):
    assert check_expression(text) == []
    assert env.evaluate(text, data) == expected


def test_unknown_bare_names_pass_the_check_and_fail_at_runtime(env):
    assert check_expression("not_in_data > 1") == []
    with pytest.raises(NameError):
        env.evaluate("not_in_data > 1", {})


def test_real_builtins_are_not_reachable(env):
    # A bare name passes the static check; the runtime must still not know it.
    for name in ("open", "__builtins__", "print", "getattr", "type", "object"):
        with pytest.raises((NameError, ExpressionRefused)):
            env.execute(f"f = {name}", {})


def test_task_data_cannot_inject_builtins(env):
    assert env.evaluate("len(x)", {"x": [1], "__builtins__": {"len": lambda _: 99}}) == 1


def test_external_context_like_dmn_input(env):
    assert env.evaluate("dmninputexpr > 3", {}, external_context={"dmninputexpr": 5}) is True


def test_script_updates_data_and_stays_json_friendly(env):
    data = {"n": 4, "amount": 10}
    script = (
        "total = 0\n"
        "for i in range(n):\n"
        "    if i == 3:\n"
        "        break\n"
        "    total += i\n"
        "amount *= 2\n"
        "note: str = coalesce(None, '待审')\n"
        "f = len\n"
        "size = f([1, 2])\n"
        "tmp = 1\n"
        "del tmp\n"
    )
    assert env.execute(script, data) is True
    assert data == {"n": 4, "amount": 20, "total": 3, "i": 3, "note": "待审", "size": 2}


def test_script_leaves_no_helpers_or_guards_behind_on_error(env):
    data = {"x": 1}
    with pytest.raises(ZeroDivisionError):
        env.execute("y = 2\nz = x / 0", data)
    assert data == {"x": 1, "y": 2}


def test_task_data_may_shadow_a_helper(env):
    assert env.evaluate("coalesce", {"coalesce": "field value"}) == "field value"


def test_range_is_capped(env):
    assert env.evaluate("len(range(10000))", {}) == 10000
    with pytest.raises(ExpressionRefused) as info:
        env.evaluate("range(10001)", {})
    assert info.value.reason == "range_too_large"
    with pytest.raises(ExpressionRefused):
        env.evaluate("range(10 ** 30)", {})


def test_nested_loops_hit_the_iteration_budget(env):
    script = "x = 0\nfor i in range(10000):\n    for j in range(10000):\n        x += 1"
    with pytest.raises(ExpressionRefused) as info:
        env.execute(script, {})
    assert info.value.reason == "loop_limit"
    with pytest.raises(ExpressionRefused):
        env.evaluate("sum(1 for i in range(10000) for j in range(10000))", {})


def test_self_growing_loop_is_stopped(env):
    with pytest.raises(ExpressionRefused):
        env.execute("for item in items:\n    items.append(item)", {"items": [1]})


@pytest.mark.parametrize("text", [
    "2 ** 10 ** 7", "'a' * 10 ** 8", "[0] * 10 ** 8", "1 << 10 ** 7", "(10 ** 20000) * (10 ** 20000)",
])
def test_size_bombs_are_refused(env, text):
    with pytest.raises(ExpressionRefused) as info:
        env.evaluate(text, {})
    assert info.value.reason == "too_large"


def test_augmented_size_bomb_is_refused(env):
    with pytest.raises(ExpressionRefused):
        env.execute("s = 'ab'\nfor i in range(40):\n    s *= 2", {})


def test_register_helper(monkeypatch, env):
    monkeypatch.setattr(expressions, "HELPERS", dict(HELPERS))
    assert check_expression("double(2)")  # unknown before registration

    @register_helper
    def double(value):
        """Twice the value."""
        return value * 2

    @register_helper("triple")
    def _triple(value):
        """Three times the value."""
        return value * 3

    assert {"double", "triple", "contains", "coalesce"} <= set(helper_names())
    assert check_expression("double(2)") == []  # the analysis cache noticed the new helper
    assert env.evaluate("double(x) + triple(1)", {"x": 4}) == 11
    data = {"x": 1}
    env.execute("y = double(x)", data)
    assert data == {"x": 1, "y": 2}


@pytest.mark.parametrize("name, func, error", [
    ("len", lambda: 1, ValueError),
    ("_hidden", lambda: 1, ValueError),
    ("not valid", lambda: 1, ValueError),
    ("os_module", expressions.ast, TypeError),
    ("klass", datetime, TypeError),
    ("contains", lambda a, b: True, ValueError),  # clashes with a different function
])
def test_register_helper_refuses(monkeypatch, name, func, error):
    monkeypatch.setattr(expressions, "HELPERS", dict(HELPERS))
    with pytest.raises(error):
        register_helper(name)(func)


# --- SpiffWorkflow integration -------------------------------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="proc" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="score"/>
    <bpmn:scriptTask id="score" name="Score">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="score" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="to_low"/>
    <bpmn:sequenceFlow id="to_high" sourceRef="gw" targetRef="high">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_low" sourceRef="gw" targetRef="low"/>
    <bpmn:scriptTask id="high"><bpmn:script>branch = 'high'</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="low"><bpmn:script>branch = 'low'</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="high" targetRef="wait"/>
    <bpmn:sequenceFlow id="f4" sourceRef="low" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition>{timer}</bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _workflow(script="score = amount * 2", condition="score &gt; 100",
              timer='<bpmn:timeDuration>"P15D"</bpmn:timeDuration>', data=None):
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(BPMN.format(script=script, condition=condition, timer=timer).encode(), "t.bpmn")
    wf = BpmnWorkflow(parser.get_spec("proc"), script_engine=make_script_engine())
    wf.get_tasks(state=TaskState.READY)[0].data.update(data or {})
    return wf


def _task(wf, spec_name):
    return next(t for t in wf.get_tasks() if t.task_spec.name == spec_name)


@pytest.mark.parametrize("amount, branch", [(80, "high"), (20, "low")])
def test_gateway_and_script_run_through_the_engine(amount, branch):
    wf = _workflow(data={"amount": amount})
    wf.do_engine_steps()
    assert _task(wf, "wait").data["branch"] == branch
    assert _task(wf, "wait").data["score"] == amount * 2


def test_duration_timer_with_quoted_text():
    start = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    with freeze_time(start):
        wf = _workflow(data={"amount": 1})
        wf.do_engine_steps()
        [(_, _, due)] = [(e.name, e.event_type, e.value) for e in wf.waiting_events()]
        assert datetime.fromisoformat(due) == start + timedelta(days=15)
    with freeze_time(start + timedelta(days=15, seconds=1)):
        wf.refresh_timers()
        wf.do_engine_steps()
        assert wf.is_completed()


def test_date_timer_from_case_data():
    timer = "<bpmn:timeDate>deadline</bpmn:timeDate>"
    wf = _workflow(timer=timer, data={"amount": 1, "deadline": "2030-01-01T00:00:00+00:00"})
    wf.do_engine_steps()
    assert _task(wf, "wait").state == TaskState.WAITING
    assert _task(wf, "wait").internal_data["event_value"] == "2030-01-01T00:00:00+00:00"


def test_malicious_condition_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    condition = f"__import__('pathlib').Path('{marker}').touch() is None"
    assert check_expression(condition)
    wf = _workflow(condition=condition, data={"amount": 80})
    with pytest.raises(WorkflowTaskException) as info:
        wf.do_engine_steps()
    assert info.value.error_type == "ExpressionRefused"
    assert isinstance(info.value.__context__, ExpressionRefused)
    assert info.value.task.task_spec.name == "gw"
    assert _task(wf, "gw").state == TaskState.ERROR
    assert not marker.exists()


def test_refused_script_task_errors_the_task():
    wf = _workflow(script="import os\nscore = 1", data={"amount": 1})
    with pytest.raises(WorkflowTaskException) as info:
        wf.do_engine_steps()
    assert info.value.error_type == "ExpressionRefused"
    assert "import" in str(info.value)
    assert _task(wf, "score").state == TaskState.ERROR


def test_runtime_error_in_script_reports_the_line():
    wf = _workflow(script="score = 1\nscore = amount / 0", data={"amount": 1})
    with pytest.raises(WorkflowTaskException) as info:
        wf.do_engine_steps()
    assert info.value.line_number == 2
    assert info.value.error_type == "ZeroDivisionError"
