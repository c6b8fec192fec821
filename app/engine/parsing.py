"""Parse and validate BPMN bundles into specs stored once per process version."""
import hashlib
from dataclasses import dataclass

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from app.engine import bpmn_meta
from app.engine.errors import DeployError, Problem
from app.engine.expressions import check_expression
from app.engine.serializer import spec_to_json
from app.engine.xmlsafe import UnsafeXmlError, parse_untrusted_xml


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
    if dialect == "camunda":
        return CamundaParser(validator=VALIDATOR)
    return SpiffBpmnParser(validator=VALIDATOR)


def parse_bundle(files: dict, *, max_bytes: int, context_files: dict | None = None,
                 form_exists=None) -> list[ParsedProcess]:
    """Parse `files` ({filename: bytes}); `context_files` ({key: bytes}) only resolve call activities.

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
    bundle_keys = {p.get("id") for root in roots.values() for p in root.findall(f"{{{bpmn_meta.BPMN_NS}}}process")}
    context_roots = {}
    for key, data in (context_files or {}).items():
        # Deployed processes resolve call activities, unless the bundle brings a new version.
        if key not in bundle_keys:
            context_roots[f"deployed:{key}"] = parse_untrusted_xml(data, f"{key}.bpmn", max_bytes)

    by_dialect = {}
    for filename, root in {**context_roots, **roots}.items():
        by_dialect.setdefault(bpmn_meta.detect_dialect(root), {})[filename] = root

    results = []
    for dialect, group in by_dialect.items():
        parser = _parser_for(dialect)
        for filename, root in group.items():
            try:
                parser.add_bpmn_xml(root, filename)
            except ValidationException as exc:
                problems.append(_problem_from(exc, filename))
        if problems:
            continue
        all_processes = {p.get("id"): p for root in group.values()
                         for p in root.findall(f"{{{bpmn_meta.BPMN_NS}}}process")}
        for filename, root in group.items():
            if filename not in roots:
                continue
            processes = root.findall(f"{{{bpmn_meta.BPMN_NS}}}process")
            executable = [p for p in processes if p.get("isExecutable", "true") != "false"] or processes
            if not executable:
                problems.append(Problem("文件中没有流程（bpmn:process）", filename))
            for process_el in executable:
                parsed = _parse_process(parser, process_el, filename, files[filename], dialect,
                                        problems, form_exists, all_processes)
                if parsed:
                    results.append(parsed)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DeployError(problems)
    return results


def _parse_process(parser, process_el, filename, data, dialect, problems, form_exists, all_processes):
    key = process_el.get("id")
    meta = bpmn_meta.process_meta(process_el, dialect)
    found = bpmn_meta.check_process(process_el, filename, meta, dialect,
                                    check_expression=check_expression, form_exists=form_exists)
    try:
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except ValidationException as exc:
        problems.append(_problem_from(exc, filename))
        return None
    except Exception as exc:  # the parser raises assorted errors on broken references
        problems.append(Problem(f"流程解析失败：{exc}", filename, key))
        return None
    problems.extend(found)
    if any(p.severity == "error" for p in found):
        return None
    meta["called_processes"] = sorted(subprocess_specs)
    # Tasks inside call activities are routed by the called process's own properties.
    meta["called"] = {key: bpmn_meta.process_meta(all_processes[key], dialect)
                      for key in subprocess_specs if key in all_processes}
    return ParsedProcess(
        key=key, name=process_el.get("name") or key, filename=filename,
        xml=data.decode("utf-8"), sha256=sha256_of(data), dialect=dialect,
        spec_json=spec_to_json(spec, subprocess_specs, dialect), meta=meta,
        warnings=[p for p in found if p.severity != "error"],
    )


def _problem_from(exc: ValidationException, filename) -> Problem:
    line = exc.line_number if isinstance(exc.line_number, int) else None
    text = str(exc).split("\n")[0]
    return Problem(f"BPMN 校验错误：{text}", exc.file_name or filename, getattr(exc, "id", "") or "", line)
