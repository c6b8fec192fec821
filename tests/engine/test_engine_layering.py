"""The engine imports no domain above it: it sends signals and uses the hooks create_app registers."""
import ast
from pathlib import Path

from app.engine.hooks import HOOKS

ENGINE = Path(__file__).resolve().parents[2] / "app" / "engine"
# The foundation under every domain: the session and its precompiled statements, errors, time, signals, the
# audit log, users and bureaus.
ALLOWED = {"app.engine", "app.db", "app.fixedsql", "app.jsoncodec", "app.errors", "app.clock", "app.signals", "app.audit", "app.auth", "app.migrate", "app.cli"}


def _app_imports(path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and (node.module == "app" or node.module.startswith("app.")):
            if node.module == "app":
                yield from (f"app.{alias.name}" for alias in node.names)
            else:
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("app."))


def test_engine_imports_only_the_foundation():
    found = {f"{path.name}: {module}" for path in ENGINE.glob("*.py") for module in _app_imports(path)
             if not any(module == a or module.startswith(a + ".") for a in ALLOWED)}
    assert found == set()


def test_create_app_registers_every_hook(app):
    assert all(getattr(HOOKS, name) is not None for name in HOOKS.__dataclass_fields__)
