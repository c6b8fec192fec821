"""Process administration: definitions with their versions, drafts, validation, deploy, diff."""
import re
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.admin.models import ProcessDraft
from app.audit.services import record_event
from app.auth.models import Department, User
from app.db import db, utcnow
from app.engine.bpmn_meta import CAMUNDA_NS
from app.engine.deploy import deploy_files, get_definition, latest_definition
from app.engine.errors import DeployError, Problem
from app.engine.lint import lint_bpmn, process_key_of
from app.engine.models import ProcessDefinition, ProcessInstance
from app.engine.versions import diff_definitions
from app.engine.xmlsafe import UnsafeXmlError
from app.errors import Conflict, InvalidInput, NotFound

LIVE_STATUSES = ("running", "waiting", "suspended", "error")

BLANK_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="Definitions_{key}" targetNamespace="http://qsflow.local/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="开始"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{key}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def list_processes() -> list[dict]:
    """Every process key with its versions (newest first), live-instance counts and its draft."""
    counts = dict(db.execute(select(ProcessInstance.definition_id, func.count())
                             .where(ProcessInstance.status.in_(LIVE_STATUSES))
                             .group_by(ProcessInstance.definition_id)).all())
    deployers = dict(db.execute(select(User.id, User.display_name)).all())
    rows = db.execute(select(ProcessDefinition.id, ProcessDefinition.key, ProcessDefinition.version,
                             ProcessDefinition.name, ProcessDefinition.sha256, ProcessDefinition.dialect,
                             ProcessDefinition.deployed_by_id, ProcessDefinition.deployed_at)
                      .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())).all()
    processes = {}
    for r in rows:
        entry = processes.setdefault(r.key, {"key": r.key, "name": r.name, "versions": [], "draft": None})
        entry["versions"].append({
            "id": r.id, "version": r.version, "sha_short": r.sha256[:10], "dialect": r.dialect,
            "deployed_by": deployers.get(r.deployed_by_id, ""), "deployed_at": r.deployed_at,
            "live_instances": counts.get(r.id, 0)})
    for draft in db.scalars(select(ProcessDraft)):
        entry = processes.setdefault(draft.process_key, {"key": draft.process_key, "name": draft.name,
                                                         "versions": [], "draft": None})
        entry["draft"] = {"updated_at": draft.updated_at, "updated_by": deployers.get(draft.updated_by_id, "")}
    builtin = builtin_keys()
    for entry in processes.values():
        entry["builtin"] = entry["key"] in builtin
    return sorted(processes.values(), key=lambda p: p["key"])


def require_definition(definition_id) -> ProcessDefinition:
    """A deployed version by id, or NotFound."""
    definition = get_definition(definition_id)
    if definition is None:
        raise NotFound("流程版本不存在")
    return definition


def modeler_context(key: str | None, version: int | None = None) -> dict:
    """The process the modeler opens plus the departments and form keys its side panel offers."""
    from app.formdefs.registry import get_registry

    departments = [{"code": d.code, "name": d.name} for d in db.scalars(select(Department).order_by(Department.id))]
    return {**open_for_editing(key, version), "departments": departments, "forms": get_registry().keys()}


def blank_xml(key: str, name: str) -> str:
    """A new process: one start event, no participant."""
    return BLANK_TEMPLATE.format(key=key, name=name.replace("&", "&amp;").replace('"', "&quot;")
                                 .replace("<", "&lt;"))


def open_for_editing(key: str | None, version: int | None = None) -> dict:
    """What the modeler opens (given version, else draft, else newest version, else blank) and its dialect."""
    opened = _opened(key, version)
    # A file drawn in Camunda Modeler keeps its camunda: attributes; the side panel edits those then.
    opened["dialect"] = "camunda" if CAMUNDA_NS in opened["xml"] else "spiff"
    return opened


def _opened(key, version) -> dict:
    if key and version:
        definition = db.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                               ProcessDefinition.version == version))
        if definition is None:
            raise NotFound(f"流程 {key} 没有版本 v{version}")
        return {"key": key, "xml": definition.xml, "source": "definition", "base_definition_id": definition.id,
                "version": definition.version}
    if key:
        draft = get_draft(key)
        if draft is not None:
            return {"key": key, "xml": draft.xml, "source": "draft", "base_definition_id": draft.base_definition_id}
        current = latest_definition(key)
        if current is not None:
            return {"key": key, "xml": current.xml, "source": "definition", "base_definition_id": current.id,
                    "version": current.version}
        raise NotFound("流程或草稿不存在")
    stamp = utcnow().strftime("%Y%m%d%H%M%S")
    new_key = f"process_{stamp}"
    return {"key": new_key, "xml": blank_xml(new_key, "新流程"), "source": "new", "base_definition_id": None}


def get_draft(key) -> ProcessDraft | None:
    """The draft of a process key."""
    return db.scalar(select(ProcessDraft).where(ProcessDraft.process_key == key))


def _key_of(data: bytes, filename: str) -> tuple[str, str]:
    from app.engine.lint import PROCESS_KEY

    try:
        key, name = process_key_of(data, filename)
    except UnsafeXmlError as exc:
        raise DeployError([Problem(exc.message, filename, "", exc.line)]) from None
    if not PROCESS_KEY.match(key):
        raise DeployError([Problem(f"流程标识（id）“{key}”无效：须以字母开头，只含字母、数字、下划线或连字符",
                                   filename, key)])
    return key, name


def save_draft(data: bytes, user, base_definition_id=None, filename="draft.bpmn") -> ProcessDraft:
    """Store the XML as the draft of its process key (safe XML only; it need not be valid BPMN yet)."""
    key, name = _key_of(data, filename)
    if base_definition_id is not None:
        base = get_definition(base_definition_id)
        base_definition_id = base.id if base is not None and base.key == key else None
    draft = get_draft(key)
    if draft is None:
        draft = ProcessDraft(process_key=key)
        db.add(draft)
    draft.name, draft.xml = name[:200], _as_text(data, filename)
    draft.base_definition_id = base_definition_id or draft.base_definition_id
    draft.updated_by_id, draft.updated_at = user.id, utcnow()
    db.flush()
    record_event("process_draft_saved", actor_id=user.id, summary=key,
                 data={"draft_id": draft.id, "base_definition_id": draft.base_definition_id, "filename": filename})
    return draft


def _as_text(data: bytes, filename) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A GBK file passed the safety checks: keep it as text (without its declaration) for the browser.
        from lxml import etree

        from app.engine.xmlsafe import parse_untrusted_xml

        return etree.tostring(parse_untrusted_xml(data, filename), encoding="unicode")


def delete_draft(key, user) -> None:
    """Discard the draft of a process key."""
    draft = get_draft(key)
    if draft is None:
        raise NotFound("草稿不存在")
    db.delete(draft)
    db.flush()
    record_event("process_draft_deleted", actor_id=user.id, summary=key)


def validate_bpmn(data: bytes) -> list[dict]:
    """Problems of the XML (errors and warnings), each with its element id and Chinese message."""
    return [p.to_dict() for p in lint_bpmn(data, "modeler.bpmn")]


BUILTIN_PROCESS = re.compile(rb"<(?:\w+:)?process\b[^>]*?\bid=\"([^\"]+)\"")


def builtin_keys() -> set:
    """Process ids shipped in processes/ (the bureau's statutory lifecycles)."""
    directory = Path(current_app.config["PROCESSES_DIR"])
    return {m.decode() for path in directory.glob("*.bpmn") for m in BUILTIN_PROCESS.findall(path.read_bytes())}


def deploy_bpmn(data: bytes, user, *, replace_builtin=False) -> dict:
    """Validate and deploy the XML as the next version of its process; its draft is then removed.

    A file whose process id is a built-in process's replaces that process for every new case: only
    with `replace_builtin` (the user confirmed it), never silently.
    """
    key, _name = _key_of(data, "modeler.bpmn")
    problems = lint_bpmn(data, f"{key}.bpmn")
    if any(p.severity == "error" for p in problems):
        raise DeployError([p for p in problems if p.severity == "error"])
    if key in builtin_keys() and not replace_builtin:
        raise Conflict(f"流程标识 {key} 属于系统内置流程：部署后所有新案件将改用此版本。请确认替换内置流程后再部署",
                       confirm="replace_builtin", process_key=key)
    result = deploy_files({f"{key}.bpmn": data}, user_id=user.id)[0]
    draft = get_draft(key)
    if draft is not None:
        db.delete(draft)
        db.flush()
        record_event("process_draft_deleted", actor_id=user.id, summary=key, data={"reason": "deployed"})
    return {"key": result.key, "version": result.version, "definition_id": result.definition_id,
            "is_new": result.is_new, "warnings": [p.to_dict() for p in problems]}


def deploy_draft(key, user, *, replace_builtin=False) -> dict:
    """Validate and deploy the saved draft of a process key."""
    draft = get_draft(key)
    if draft is None:
        raise NotFound("草稿不存在")
    return deploy_bpmn(draft.xml.encode("utf-8"), user, replace_builtin=replace_builtin)


def diff_versions(key, from_version, to_version) -> dict:
    """The diff between two versions of one process, with the versions it compares."""
    def by_version(version):
        definition = db.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                               ProcessDefinition.version == version))
        if definition is None:
            raise NotFound(f"流程 {key} 没有版本 v{version}")
        return definition

    if from_version == to_version:
        raise InvalidInput("请选择两个不同的版本进行比较")
    old, new = by_version(from_version), by_version(to_version)
    return {"old": old, "new": new, "diff": diff_definitions(old.id, new.id)}


def versions_of(key) -> list[int]:
    """Version numbers of a process key, newest first."""
    return list(db.scalars(select(ProcessDefinition.version).where(ProcessDefinition.key == key)
                           .order_by(ProcessDefinition.version.desc())))
