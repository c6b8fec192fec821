"""A deployment reads as context only the deployed processes its call activities reach, not every one."""
from tests.engine import samples


def _process(key, calls=None):
    middle = (f'<bpmn:callActivity id="call" name="调用" calledElement="{calls}"/>' if calls
              else '<bpmn:scriptTask id="call" name="办理"><bpmn:script>done = True</bpmn:script></bpmn:scriptTask>')
    return samples.HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="{key}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    {middle}
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_only_called_processes_are_parsed_as_context(db_session, deploy_xml):
    from app.engine.deploy import deployed_context_files

    for n in range(4):
        deploy_xml(_process(f"unrelated_{n}"), filename=f"unrelated_{n}.bpmn")
    deploy_xml(_process("leaf_flow"), filename="leaf_flow.bpmn")
    deploy_xml(_process("middle_flow", calls="leaf_flow"), filename="middle_flow.bpmn")
    bundle = {"top_flow.bpmn": _process("top_flow", calls="middle_flow").encode("utf-8")}
    # The chain top -> middle -> leaf, nothing else.
    assert set(deployed_context_files(bundle)) == {"middle_flow", "leaf_flow"}
    assert len(deployed_context_files()) >= 6  # without a bundle: every deployed process, as before
    result = deploy_xml(_process("top_flow", calls="middle_flow"), filename="top_flow.bpmn")
    assert result[0].is_new and result[0].key == "top_flow"
