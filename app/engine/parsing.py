"""Parse and validate BPMN bundles into specs stored once per process version."""
import hashlib
import re
from dataclasses import dataclass

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from app.engine import bpmn_meta
from app.engine.errors import DeployError, Problem
from app.engine.expressions import check_expression
from app.engine.parsers import parser_for
from app.engine.serializer import spec_to_json
from app.engine.xmlsafe import UnsafeXmlError, parse_untrusted_xml

BPMN = f"{{{bpmn_meta.BPMN_NS}}}"


@dataclass
class ParsedProcess:
    """One executable process of a bundle, ready to be stored as a definition version."""

    key: str
    name: str
    filename: str
    xml: str
    sha256: str
    dialect: str
    spec_json: dict
    meta: dict
    warnings: list


def sha256_of(data: bytes) -> str:
    """Content hash used to skip re-deploying an unchanged file."""
    return hashlib.sha256(data).hexdigest()


def _parser_for(dialect):
    return parser_for(dialect)


def parse_bundle(files: dict, *, max_bytes: int, context_files: dict | None = None,
                 form_exists=None, departments=None) -> list[ParsedProcess]:
    """Parse `files` ({filename: bytes}); `context_files` ({key: bytes}) only resolve call activities.

    `departments` (known department codes, or None to skip the check) must hold every task's department.
    Raises DeployError listing every problem found, with file, element and line.
    """
    problems, roots = [], {}
    for filename, data in files.items():
        try:
            roots[filename] = parse_untrusted_xml(data, filename, max_bytes)
        except UnsafeXmlError as exc:
            problems.append(Problem(exc.message, filename, "", exc.line))
    if problems:
        raise DeployError(problems)
    bundle_keys = {p.get("id") for root in roots.values() for p in root.findall(f"{BPMN}process")}
    context_roots = _context_roots(context_files or {}, bundle_keys, max_bytes)

    by_dialect = {}
    for filename, root in {**context_roots, **roots}.items():
        by_dialect.setdefault(bpmn_meta.detect_dialect(root), {})[filename] = root

    results = []
    for dialect, group in by_dialect.items():
        parser = _parser_for(dialect)
        broken = set()
        for filename, root in group.items():
            try:
                parser.add_bpmn_xml(root, filename)
            except ValidationException as exc:
                problems.append(_problem_from(exc, filename))
                broken.add(filename)
        all_processes = {p.get("id"): p for root in group.values() for p in root.findall(f"{BPMN}process")}
        for filename, root in group.items():
            if filename not in roots:
                continue
            processes = root.findall(f"{BPMN}process")
            executable = [p for p in processes if p.get("isExecutable", "true") != "false"] or processes
            if not executable:
                problems.append(Problem("文件中没有流程（bpmn:process）", filename))
            for process_el in executable:
                # The static checks run even when the parser refused the file: every finding is reported.
                parsed = _parse_process(None if broken else parser, process_el, filename, files[filename],
                                        dialect, problems, form_exists, all_processes, departments)
                if parsed:
                    results.append(parsed)
    translate_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DeployError(problems)
    return results


def _context_roots(context_files, bundle_keys, max_bytes) -> dict:
    """Deployed files that resolve call activities, each process present once.

    One deployed file may hold several processes (a main process and the one it calls), stored under
    each key: it is read once, and a process the bundle brings anew is left out of the context, so the
    parser never sees the same process id twice.
    """
    roots, seen_hashes, seen_keys = {}, set(), set(bundle_keys)
    for key, data in context_files.items():
        digest = sha256_of(data)
        if digest in seen_hashes:
            continue
        seen_hashes.add(digest)
        root = parse_untrusted_xml(data, f"{key}.bpmn", max_bytes)
        for el in list(root.findall(f"{BPMN}process")):
            if el.get("id") in seen_keys:
                root.remove(el)
            else:
                seen_keys.add(el.get("id"))
        # Collaborations only matter for the deployed file itself; a removed process would dangle.
        for el in list(root.findall(f"{BPMN}collaboration")):
            root.remove(el)
        if root.find(f"{BPMN}process") is not None:
            roots[f"deployed:{key}"] = root
    return roots


def _parse_process(parser, process_el, filename, data, dialect, problems, form_exists, all_processes,
                   departments=None):
    key = process_el.get("id")
    meta = bpmn_meta.process_meta(process_el, dialect)
    found = bpmn_meta.check_process(process_el, filename, meta, dialect, check_expression=check_expression,
                                    form_exists=form_exists, departments=departments)
    problems.extend(found)
    if parser is None:
        return None
    try:
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except ValidationException as exc:
        problems.append(_problem_from(exc, filename))
        return None
    except Exception as exc:  # the parser raises assorted errors on broken references
        problems.append(Problem(f"流程解析失败：{exc}", filename, key))
        return None
    if any(p.severity == "error" for p in found):
        return None
    meta["called_processes"] = sorted(subprocess_specs)
    # Tasks inside call activities are routed by the called process's own properties.
    meta["called"] = {key: bpmn_meta.process_meta(all_processes[key], dialect)
                      for key in subprocess_specs if key in all_processes}
    try:
        spec_json = spec_to_json(spec, subprocess_specs, dialect)
    except Exception as exc:  # an element this dialect's serializer does not know: refuse, never a 500
        problems.append(Problem(f"流程包含无法保存的元素：{exc}", filename, key))
        return None
    return ParsedProcess(
        key=key, name=process_el.get("name") or key, filename=filename,
        xml=data.decode("utf-8"), sha256=sha256_of(data), dialect=dialect,
        spec_json=spec_json, meta=meta,
        warnings=[p for p in found if p.severity != "error"],
    )


def _problem_from(exc: ValidationException, filename) -> Problem:
    line = exc.line_number if isinstance(exc.line_number, int) else None
    text = str(exc).split("\n")[0]
    return Problem(f"BPMN 校验错误：{text}", exc.file_name or filename, getattr(exc, "id", "") or "", line)


# SpiffWorkflow and the XSD validator speak English; these are the findings a modeler user meets most.
KNOWN_MESSAGES = (
    (re.compile(r"Duplicate process ID: (\S+)"), "流程标识“{0}”在上传的文件中出现了不止一次"),
    (re.compile(r"No start event found"), "流程没有开始事件"),
    (re.compile(r"A Service Task must have an operator"), "服务任务没有可执行的操作（不支持服务任务）"),
    (re.compile(r"Non-default exclusive outgoing sequence flow without condition"),
     "排他网关的出口连线既无条件也不是默认流向"),
    (re.compile(r"When looking for a task spec, we found two items.*\((.*)\)"),
     "连线的起点或终点“{0}”不存在，或元素标识重复"),
    (re.compile(r"attribute 'id': '([^']*)' is not a valid value of the atomic type 'xs:ID'"),
     "元素标识“{0}”重复或无效（须以字母开头且在文件中唯一）"),
    (re.compile(r"No matching global declaration available for the validation root"),
     "文件不是 BPMN 2.0 流程定义（根元素须为 bpmn:definitions）"),
    (re.compile(r"Element '\{[^}]*\}(\w+)', attribute '([^']+)': The attribute '[^']+' is not allowed"),
     "元素 {0} 不允许有属性 {1}"),
    (re.compile(r"Element '\{[^}]*\}(\w+)': This element is not expected"), "此处不允许出现元素 {0}"),
    (re.compile(r"The process '([^']+)' was not found"), "调用的流程 {0} 不存在或尚未部署"),
)


def translate_problems(problems) -> None:
    """Say the parser's common English findings in Chinese (deploy, the modeler check and the CLI alike)."""
    for p in problems:
        for pattern, text in KNOWN_MESSAGES:
            found = pattern.search(p.message)
            if found:
                p.message = text.format(*found.groups())
                break
