"""Regenerates fixtures/inflight_state.json: an instance stopped inside a started call activity.

Run only when deliberately re-baselining (`python -m tests.engine.make_inflight_fixture`); the test
that loads the committed file guards upgrades of SpiffWorkflow against unreadable stored state.
"""
import json
from pathlib import Path

from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from app.calendar import register_expression_helpers
from app.engine.expression_runtime import make_script_engine
from app.engine.runtime import advance, ready_user_tasks
from app.engine.serializer import workflow_to_state

HERE = Path(__file__).parent / "fixtures"


def main():
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    register_expression_helpers()
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_files([str(HERE / "inflight_parent.bpmn"), str(HERE / "inflight_child.bpmn")])
    wf = BpmnWorkflow(parser.get_spec("inflight_parent"), parser.get_subprocess_specs("inflight_parent"),
                      script_engine=make_script_engine())
    advance(wf)
    [register] = ready_user_tasks(wf)
    register.data.update({"notice_date": "2026-09-28"})
    register.run()
    advance(wf)
    assert [t.task_spec.bpmn_id for t in ready_user_tasks(wf)] == ["decide"]
    (HERE / "inflight_state.json").write_text(json.dumps(workflow_to_state(wf, "spiff"), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
