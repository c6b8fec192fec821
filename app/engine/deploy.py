"""Deploying BPMN: a changed file becomes a new version; an unchanged file is not re-deployed."""
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.audit.services import record_event
from app.auth.models import Department
from app.db import db, utcnow
from app.engine.hooks import hook
from app.engine.models import ProcessDefinition
from app.engine.parsing import parse_bundle
from app.engine.serializer import definition_meta


@dataclass
class DeployResult:
    """Outcome of deploying one process."""

    key: str
    version: int
    definition_id: int
    is_new: bool
    warnings: list


def latest_definition(key) -> ProcessDefinition | None:
    """The newest version of a process."""
    stmt = select(ProcessDefinition).where(ProcessDefinition.key == key).order_by(ProcessDefinition.version.desc())
    return db.scalars(stmt).first()


def latest_definitions() -> list[ProcessDefinition]:
    """The newest version of every process, by key."""
    newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    stmt = (select(ProcessDefinition)
            .join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v))
            .order_by(ProcessDefinition.key))
    return list(db.scalars(stmt))


_CALLED = re.compile(rb"""calledElement\s*=\s*["']([^"']+)["']""")


def deployed_context_files(files=None):
    """Latest deployed XML of the processes `files` call (and those they call), so call activities across
    files resolve; every deployed process when `files` is None.

    Only the called ones: parsing every deployed definition again made each deployment slower the more
    processes were deployed. A file holding several processes is stored under each key; parse_bundle reads
    it once.
    """
    if files is None:
        return {d.key: d.xml.encode("utf-8") for d in latest_definitions() if d.dialect == "spiff"}
    out, wanted = {}, {key.decode() for data in files.values() for key in _CALLED.findall(data)}
    while wanted:
        key = wanted.pop()
        definition = latest_definition(key)
        if definition is None or definition.dialect != "spiff" or key in out:
            continue
        out[key] = definition.xml.encode("utf-8")
        wanted |= {k.decode() for k in _CALLED.findall(out[key])} - set(out)
    return out


def known_departments() -> set:
    """Department codes a user task may name (every bureau has the same departments)."""
    return set(db.scalars(select(Department.code)))


def form_exists_check():
    """A predicate telling whether forms/ has a form for a key (the deploy check)."""
    return hook("form_checker")()


def deploy_files(files: dict, *, user_id=None, form_exists="default") -> list[DeployResult]:
    """Validate and deploy {filename: bytes}; unchanged processes keep their current version."""
    parsed = parse_bundle(files, max_bytes=current_app.config["MAX_BPMN_BYTES"],
                          context_files=deployed_context_files(files),
                          form_exists=form_exists_check() if form_exists == "default" else form_exists,
                          departments=known_departments())
    results = []
    for p in parsed:
        current = latest_definition(p.key)
        if current is not None and current.sha256 == p.sha256:
            results.append(DeployResult(p.key, current.version, current.id, False, p.warnings))
            continue
        definition = ProcessDefinition(
            key=p.key, version=(current.version + 1) if current else 1, name=p.name, sha256=p.sha256,
            filename=p.filename, xml=p.xml, dialect=p.dialect, spec_json=p.spec_json, meta=p.meta,
            deployed_by_id=user_id, deployed_at=utcnow())
        db.add(definition)
        db.flush()
        definition_meta(definition)  # this worker has it parsed already
        record_event("definition_deployed", actor_id=user_id, summary=f"{p.key} v{definition.version}",
                     data={"definition_id": definition.id, "sha256": p.sha256})
        results.append(DeployResult(p.key, definition.version, definition.id, True, p.warnings))
    return results


def deploy_directory(directory, *, user_id=None) -> list[DeployResult]:
    """Deploy every .bpmn file of a directory as one bundle."""
    files = {path.name: path.read_bytes() for path in sorted(Path(directory).glob("*.bpmn"))}
    return deploy_files(files, user_id=user_id) if files else []


def get_definition(definition_id) -> ProcessDefinition | None:
    """A definition by id."""
    return db.get(ProcessDefinition, definition_id)
