"""What the engine needs from the layers above it, registered by `create_app`.

The engine imports no domain package: the working-day calendar, the form registry and the case's bureau
are handed to it here, and it tells the domains what happened through app.signals.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class EngineHooks:
    """Callables the application registers at start-up; each is required before the engine runs."""

    # (start: aware datetime, rule: "15WD" | "60D" | "24H") -> aware UTC datetime (working-day calendar)
    due_datetime: Callable | None = None
    # () -> (form_key -> bool): does forms/ hold this form (the deploy check)
    form_checker: Callable | None = None
    # (case_id) -> org unit id of the case's bureau, or None
    case_unit_id: Callable | None = None
    # (process_instance table) -> [app.engine.lockread.Companion]: what a task completion reads with its lock
    # besides the instance (the case and its bureau), in the same statement (optional)
    lock_companions: Callable | None = None
    # (task id bind parameter) -> {name: boolean SQL expression}: conditions the lock's statement also reads,
    # handed to the task_completed receivers as `lock_flags` (a receiver may skip work a False one rules out)
    lock_flags: Callable | None = None


HOOKS = EngineHooks()


def register_hooks(**hooks) -> None:
    """Set engine hooks by name (unknown names are a programming error)."""
    for name, fn in hooks.items():
        if not hasattr(HOOKS, name):
            raise AttributeError(f"unknown engine hook {name}")
        setattr(HOOKS, name, fn)


def hook(name) -> Callable:
    """The registered hook, or a clear error when the application forgot to register it."""
    fn = getattr(HOOKS, name)
    if fn is None:
        raise RuntimeError(f"engine hook {name} is not registered (create_app registers it)")
    return fn
