"""BPMN constructs a modeler may draw (issue 15): each must run to its end or be refused with its message."""
from tests.engine.samples import HEAD, props

CAMUNDA_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_{key}" targetNamespace="http://qsflow.test">
"""


def _wrap(key, body, name="测试流程", head=HEAD, extra=""):
    return head.format(key=key) + extra + f"""
  <bpmn:process id="{key}" name="{name}" isExecutable="true">{body}
  </bpmn:process>
</bpmn:definitions>"""


def multi_process(main="corpus_main", sub="corpus_sub", title="主流程"):
    """One file: a main process calling a second executable process of the same file."""
    return HEAD.format(key=main) + f"""
  <bpmn:process id="{main}" name="{title}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call" name="调用子流程" calledElement="{sub}"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
  <bpmn:process id="{sub}" name="子流程" isExecutable="true">
    <bpmn:startEvent id="s_start"/>
    <bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="s_task"/>
    <bpmn:userTask id="s_task" name="子流程办理">{props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="s2" sourceRef="s_task" targetRef="s_end"/>
    <bpmn:endEvent id="s_end"/>
  </bpmn:process>
</bpmn:definitions>"""


def event_subprocesses(key="corpus_esp", error_start="", interrupting=False):
    """A user task with a non-interrupting timer-start and a message-start event subprocess; `error_start`
    ("errorEventDefinition", or another definition to see it refused) adds a path throwing err_check and an
    event subprocess started by it."""
    body = f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="办理">{props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:subProcess id="on_timer" name="超时提醒" triggeredByEvent="true">
      <bpmn:startEvent id="t_start" name="三天后" isInterrupting="false">
        <bpmn:timerEventDefinition><bpmn:timeDuration>"P3D"</bpmn:timeDuration></bpmn:timerEventDefinition>
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="t1" sourceRef="t_start" targetRef="t_script"/>
      <bpmn:scriptTask id="t_script" name="记录提醒"><bpmn:script>reminded = True</bpmn:script></bpmn:scriptTask>
      <bpmn:sequenceFlow id="t2" sourceRef="t_script" targetRef="t_end"/>
      <bpmn:endEvent id="t_end"/>
    </bpmn:subProcess>
    <bpmn:subProcess id="on_message" name="撤回申请" triggeredByEvent="true">
      <bpmn:startEvent id="m_start" name="收到撤回" isInterrupting="{str(interrupting).lower()}">
        <bpmn:messageEventDefinition messageRef="msg_withdraw"/>
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="m1" sourceRef="m_start" targetRef="m_task"/>
      <bpmn:userTask id="m_task" name="登记撤回">{props("enforcement")}</bpmn:userTask>
      <bpmn:sequenceFlow id="m2" sourceRef="m_task" targetRef="m_end"/>
      <bpmn:endEvent id="m_end"/>
    </bpmn:subProcess>"""
    if error_start:
        body = body.replace('<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>', """
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="是否出错" default="f_ok"/>
    <bpmn:sequenceFlow id="f_fail" sourceRef="gw" targetRef="raise_error">
      <bpmn:conditionExpression>fail</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_ok" sourceRef="gw" targetRef="end"/>
    <bpmn:endEvent id="raise_error" name="抛出错误"><bpmn:errorEventDefinition errorRef="err_check"/></bpmn:endEvent>""")
        body += f"""
    <bpmn:subProcess id="on_error" name="错误处理" triggeredByEvent="true">
      <bpmn:startEvent id="e_start" name="检查出错"><bpmn:{error_start} errorRef="err_check"/></bpmn:startEvent>
      <bpmn:sequenceFlow id="e1" sourceRef="e_start" targetRef="e_task"/>
      <bpmn:userTask id="e_task" name="处理错误">{props("enforcement")}</bpmn:userTask>
      <bpmn:sequenceFlow id="e2" sourceRef="e_task" targetRef="e_end"/>
      <bpmn:endEvent id="e_end"/>
    </bpmn:subProcess>"""
    extra = """  <bpmn:message id="msg_withdraw" name="withdraw"/>
  <bpmn:error id="err_check" name="check_failed" errorCode="check_failed"/>
"""
    return _wrap(key, body, "事件子流程", extra=extra)


def lane_process(key="corpus_lanes", lane_id="Lane_0rpib5y"):
    """A user task that takes its department from its lane's id only."""
    body = f"""
    <bpmn:laneSet id="ls">
      <bpmn:lane id="{lane_id}" name="某科室"><bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="泳道任务"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formKey" value="test_form"/></spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    return _wrap(key, body)


def task_of_type(tag, key="corpus_tasks", head=HEAD):
    """start -> <tag id="odd"> -> end."""
    body = f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="odd"/>
    <bpmn:{tag} id="odd" name="特殊任务"/>
    <bpmn:sequenceFlow id="f2" sourceRef="odd" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    return _wrap(key, body, head=head)


def camunda_service_task(key="corpus_camunda_service"):
    """Camunda Modeler's service task with a Java class, beside a routed user task."""
    body = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="登记" camunda:candidateGroups="quality_supervision" camunda:formKey="test_form"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="notify"/>
    <bpmn:serviceTask id="notify" name="发送通知" camunda:class="org.example.Notify"/>
    <bpmn:sequenceFlow id="f3" sourceRef="notify" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    return _wrap(key, body, head=CAMUNDA_HEAD)


def camunda_groups(key="corpus_camunda_groups", groups="quality_supervision", due="P5D"):
    """Camunda user task routed by candidateGroups with a dueDate."""
    body = f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="登记" camunda:candidateGroups="{groups}" camunda:formKey="test_form"
      camunda:dueDate="{due}" camunda:followUpDate="P2D"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    return _wrap(key, body, head=CAMUNDA_HEAD)


def data_timer(key="corpus_data_timer"):
    """A user task, then a timer whose duration comes from case data (`wait_for`)."""
    body = f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="确定期限">{props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待期限">
      <bpmn:timerEventDefinition><bpmn:timeDuration>wait_for</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    return _wrap(key, body)


def script_process(script, key="corpus_script", pre="", post=""):
    """start -> user task (with optional pre/post scripts) -> script task -> end."""
    extension = f"<spiffworkflow:preScript>{pre}</spiffworkflow:preScript>" \
        f"<spiffworkflow:postScript>{post}</spiffworkflow:postScript>"
    task_props = props("quality_supervision").replace("</bpmn:extensionElements>", extension
                                                      + "</bpmn:extensionElements>")
    body = f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="办理">{task_props}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="calc"/>
    <bpmn:scriptTask id="calc" name="计算"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
    return _wrap(key, body)
