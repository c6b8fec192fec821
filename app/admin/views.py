"""Process administration pages (process admins only): list, modeler, validate, drafts, deploy, diff."""
from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from app.admin import services
from app.admin.schemas import DiffQuerySchema, ModelerQuerySchema, XmlPayloadSchema, first_error
from app.auth.guards import restrict_blueprint_to_role
from app.db import db
from app.engine.errors import DeployError
from app.errors import Conflict

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

ORG_LEVELS = [("case", "案件所属单位"), ("county", "县级"), ("city", "市级"), ("province", "省级")]


def _modeler_texts() -> dict:
    """Every word the modeler's script shows, translated on the server."""
    return {
        "properties": _("属性"), "name": _("名称"), "choose": _("（请选择）"),
        "processKey": _("流程标识（id）"),
        "processKeyHint": _("字母开头，只含字母、数字、下划线、连字符；部署后即为流程键"),
        "processName": _("流程名称"), "badKey": _("流程标识无效：须以字母开头，只含字母、数字、下划线或连字符"),
        "department": _("承办科室（department）"), "departmentHint": _("任务进入该科室的待办"),
        "orgLevel": _("办理层级（orgLevel）"), "formKey": _("表单（formKey）"),
        "formKeyHint": _("forms/ 目录中的表单键，可直接输入"), "dueRule": _("办理期限（dueRule）"),
        "dueRuleHint": _("如 15WD（工作日）、60D（自然日）、24H，或返回日期的表达式"),
        "calledElement": _("调用的流程（calledElement）"),
        "condition": _("条件表达式"), "conditionHint": _("Python 表达式，如 approved == True；不支持 JUEL（${...}）"),
        "isDefault": _("默认流向"), "isDefaultHint": _("其他条件都不成立时走这条连线"),
        "timerType": _("定时器类型"), "timerExpression": _("定时器表达式"),
        "timerHint": _("表达式，ISO 值须加引号，如 \"P15D\"；也可用案件数据中的日期变量"),
        "timer": {"timeDuration": _("持续时间（timeDuration）"), "timeDate": _("指定时间（timeDate）"),
                  "timeCycle": _("循环（timeCycle）")},
        "messageName": _("消息名称"), "messageHint": _("与 send_message 使用的名称一致"),
        "laneDepartment": _("泳道科室"), "laneHint": _("泳道内未指定科室的任务由该科室办理"),
        "laneTaken": _("已有同一科室的泳道"),
        "types": {"Process": _("流程"), "Participant": _("参与者"), "UserTask": _("用户任务"),
                  "ServiceTask": _("服务任务"), "ScriptTask": _("脚本任务"), "Task": _("任务"),
                  "CallActivity": _("调用活动"), "SubProcess": _("子流程"), "StartEvent": _("开始事件"),
                  "EndEvent": _("结束事件"), "IntermediateCatchEvent": _("中间捕获事件"),
                  "IntermediateThrowEvent": _("中间抛出事件"), "BoundaryEvent": _("边界事件"),
                  "ExclusiveGateway": _("排他网关"), "ParallelGateway": _("并行网关"),
                  "InclusiveGateway": _("包容网关"), "EventBasedGateway": _("事件网关"),
                  "SequenceFlow": _("连线"), "Lane": _("泳道"), "Collaboration": _("协作图"),
                  "MessageFlow": _("消息流"), "TextAnnotation": _("文本注释"), "Group": _("组"),
                  "DataObjectReference": _("数据对象"), "DataStoreReference": _("数据存储")},
        "basedOn": _("基于 v%(v)s", v="%v"),
        "summary": _("错误 %e 处，警告 %w 处"), "noProblems": _("未发现问题"), "line": _("第 %l 行"),
        "error": _("【错误】"), "warning": _("【警告】"), "working": _("处理中…"), "failed": _("操作失败："),
        "serverError": _("服务器返回了无法识别的结果，请稍后重试"), "valid": _("校验通过，可以部署"),
        "invalid": _("校验未通过，请按提示修改（点击问题可定位到图中元素）"),
        "confirmDeploy": _("确定部署为新版本？运行中的实例继续按原版本执行。"),
        "importWarnings": _("图已打开，但有无法识别的内容："), "importFailed": _("无法打开该流程图："),
        "camundaFormHint": _("camunda:formKey；留空时使用 Camunda 生成的表单（formData）"),
        "camundaNote": _("此流程为 Camunda Modeler 格式：科室取自 camunda:candidateGroups，"
                         "表单取自 camunda:formKey 或 formData。"),
    }


# Every page and endpoint here changes or reveals process definitions.
restrict_blueprint_to_role(bp, "process_admin")


def _json_body(schema):
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return None, (jsonify({"error": "invalid_input", "message": _("请求内容须为 JSON 对象")}), 400)
    try:
        return schema.load(payload), None
    except ValidationError as exc:
        return None, (jsonify({"error": "invalid_input", "message": first_error(exc.messages),
                               "fields": exc.messages}), 400)


@bp.get("/")
def processes():
    """Every process with its versions, live instances and draft."""
    return render_template("admin/processes.html", processes=services.list_processes())


@bp.get("/definitions/<int:definition_id>/download")
def download(definition_id):
    """One version's BPMN file as an attachment."""
    definition = services.require_definition(definition_id)
    filename = f"{definition.key}_v{definition.version}.bpmn"
    return Response(definition.xml.encode("utf-8"), mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/modeler")
def modeler():
    """The browser modeler for a process (its draft or newest version), or a new blank process."""
    try:
        query = ModelerQuerySchema().load(request.args)
    except ValidationError as exc:
        flash(first_error(exc.messages), "error")
        return redirect(url_for("admin.processes"))
    opened = services.modeler_context(query["key"], query["version"])
    config = {**opened, "texts": _modeler_texts(), "orgLevels": [{"code": c, "name": _(n)} for c, n in ORG_LEVELS],
              "urls": {"validate": url_for("admin.api_validate"), "draft": url_for("admin.api_draft"),
                       "deploy": url_for("admin.api_deploy"), "list": url_for("admin.processes")}}
    return render_template("admin/modeler.html", opened=opened, config=config)


@bp.post("/upload")
def upload():
    """Store an uploaded .bpmn file as the draft of its process and open it in the modeler."""
    file = request.files.get("file")
    if file is None or not file.filename:
        flash(_("请选择要上传的 BPMN 文件"), "error")
        return redirect(url_for("admin.processes"))
    # Read one byte more than allowed so an oversize file is refused by the size check, not cut off.
    data = file.stream.read(current_app.config["MAX_BPMN_BYTES"] + 1)
    try:
        draft = services.save_draft(data, current_user, filename=file.filename[:200])
    except DeployError as exc:
        db.rollback()
        flash(_("上传被拒绝：%(reason)s", reason=exc.problems[0].message), "error")
        return redirect(url_for("admin.processes"))
    flash(_("已上传为草稿：%(key)s", key=draft.process_key), "success")
    return redirect(url_for("admin.modeler", key=draft.process_key))


@bp.post("/drafts/<key>/delete")
def delete_draft(key):
    """Discard a draft."""
    services.delete_draft(key, current_user)
    flash(_("草稿已删除：%(key)s", key=key), "success")
    return redirect(url_for("admin.processes"))


@bp.post("/drafts/<key>/deploy")
def deploy_draft(key):
    """Deploy a saved draft from the process list; refused drafts are reported, nothing is lost."""
    try:
        result = services.deploy_draft(key, current_user,
                                       replace_builtin=request.form.get("replace_builtin") == "1")
    except Conflict as exc:
        db.rollback()
        flash(_("草稿未能部署：%(reason)s", reason=exc.message), "error")
        return redirect(url_for("admin.processes"))
    except DeployError as exc:
        db.rollback()
        flash(_("草稿未能部署：%(reason)s", reason=exc.message), "error")
        return redirect(url_for("admin.processes"))
    flash(_("已部署为 %(key)s 第 %(version)s 版", key=result["key"], version=result["version"])
          if result["is_new"] else _("内容与当前版本相同，未产生新版本"), "success")
    return redirect(url_for("admin.processes"))


@bp.post("/api/validate")
def api_validate():
    """Validate XML from the modeler without deploying: problems with element ids."""
    body, error = _json_body(XmlPayloadSchema())
    if error:
        return error
    problems = services.validate_bpmn(body["xml"].encode("utf-8"))
    return jsonify({"ok": not any(p["severity"] == "error" for p in problems), "problems": problems})


@bp.post("/api/drafts")
def api_draft():
    """Save the modeler's XML as the draft of its process."""
    body, error = _json_body(XmlPayloadSchema())
    if error:
        return error
    draft = services.save_draft(body["xml"].encode("utf-8"), current_user, body["base_definition_id"])
    return jsonify({"key": draft.process_key, "updated_at": draft.updated_at.isoformat(),
                    "message": _("草稿已保存")})


@bp.post("/api/deploy")
def api_deploy():
    """Validate and deploy the modeler's XML as a new version of its process."""
    body, error = _json_body(XmlPayloadSchema())
    if error:
        return error
    result = services.deploy_bpmn(body["xml"].encode("utf-8"), current_user, replace_builtin=body["replace_builtin"])
    message = (_("已部署为 %(key)s 第 %(version)s 版", key=result["key"], version=result["version"])
               if result["is_new"] else _("内容与当前版本相同，未产生新版本"))
    return jsonify({**result, "message": message})


def _field_labels() -> dict:
    """Readable names of the attributes a version diff reports (SpiffWorkflow spec keys, flow parts)."""
    return {"bpmn_name": _("名称"), "extensions": _("扩展属性（科室、表单、期限等）"), "inputs": _("入口"),
            "outputs": _("出口"), "lane": _("泳道"), "cond_task_specs": _("条件分支"),
            "default_task_spec": _("默认流向"), "typename": _("元素类型"), "event_definition": _("事件定义"),
            "source": _("起点"), "target": _("终点"), "condition": _("条件表达式"), "dialect": _("建模方言"),
            "script": _("脚本"), "prescript": _("前置脚本"), "postscript": _("后置脚本"),
            # Extension properties (spiffworkflow:property names), shown after the attribute they belong to.
            "department": _("承办科室"), "formKey": _("表单"), "dueRule": _("办理期限"), "orgLevel": _("办理层级")}


@bp.get("/processes/<key>/diff")
def diff(key):
    """Tasks and flows added, removed or changed between two versions."""
    versions = services.versions_of(key)
    if not versions:
        abort(404)
    args = request.args if request.args.get("from") else {"from": (versions[1:] or versions)[0],
                                                           "to": versions[0]}
    try:
        query = DiffQuerySchema().load(args)
    except ValidationError as exc:
        flash(first_error(exc.messages), "error")
        return redirect(url_for("admin.processes"))
    if query["from_version"] == query["to_version"]:
        return render_template("admin/diff.html", key=key, versions=versions, result=None, query=query)
    result = services.diff_versions(key, query["from_version"], query["to_version"])
    return render_template("admin/diff.html", key=key, versions=versions, result=result, query=query,
                           field_labels=_field_labels())
