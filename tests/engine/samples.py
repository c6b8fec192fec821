"""Small BPMN processes for engine tests (no diagram needed by the engine)."""

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_{key}" targetNamespace="http://qsflow.test">
"""


def props(department, form_key="test_form", org_level="case", due_rule=""):
    items = [("department", department), ("formKey", form_key), ("orgLevel", org_level)]
    if due_rule:
        items.append(("dueRule", due_rule))
    inner = "".join(f'<spiffworkflow:property name="{n}" value="{v}"/>' for n, v in items)
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties></bpmn:extensionElements>"


def review_process(key="review_flow", condition="approved == True", timer='"P10D"'):
    """start -> review (county QS, 5WD) -> gateway -> act (city enforcement, boundary timer) | end."""
    return HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="审核流程" isExecutable="true">
    <bpmn:startEvent id="start" name="开始"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="初审">{props("quality_supervision", org_level="county", due_rule="5WD")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="是否通过" default="f_no"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="act">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_rejected"/>
    <bpmn:userTask id="act" name="立案处理">{props("enforcement", org_level="city", due_rule="15WD")}</bpmn:userTask>
    <bpmn:boundaryEvent id="act_timeout" name="处理超期" attachedToRef="act">
      <bpmn:timerEventDefinition><bpmn:timeDuration>{timer}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_to" sourceRef="act_timeout" targetRef="escalate"/>
    <bpmn:userTask id="escalate" name="上级督办">{props("quality_supervision", org_level="province")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f_esc" sourceRef="escalate" targetRef="end_done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="act" targetRef="end_done"/>
    <bpmn:endEvent id="end_done" name="办结"/>
    <bpmn:endEvent id="end_rejected" name="不予处理"/>
  </bpmn:process>
</bpmn:definitions>"""


def message_process(key="objection_flow"):
    """start -> notice (task) -> wait for message 'objection' or 15-day timer -> retest / end."""
    return HEAD.format(key=key) + f"""
  <bpmn:message id="msg_objection" name="objection"/>
  <bpmn:process id="{key}" name="异议流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notice"/>
    <bpmn:userTask id="notice" name="告知">{props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="notice" targetRef="egw"/>
    <bpmn:eventBasedGateway id="egw"/>
    <bpmn:sequenceFlow id="f3" sourceRef="egw" targetRef="got_objection"/>
    <bpmn:sequenceFlow id="f4" sourceRef="egw" targetRef="window_closed"/>
    <bpmn:intermediateCatchEvent id="got_objection" name="收到异议">
      <bpmn:messageEventDefinition messageRef="msg_objection">
        <bpmn:extensionElements><spiffworkflow:messageVariable>objection</spiffworkflow:messageVariable></bpmn:extensionElements>
      </bpmn:messageEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="window_closed" name="异议期满">
      <bpmn:timerEventDefinition><bpmn:timeDate>objection_deadline</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="got_objection" targetRef="retest"/>
    <bpmn:userTask id="retest" name="复检">{props("testing_body")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f6" sourceRef="retest" targetRef="end"/>
    <bpmn:sequenceFlow id="f7" sourceRef="window_closed" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""
