"""The application's form registry (forms/ directory from the config), one per process."""
import threading

from flask import current_app

_lock = threading.Lock()
_registries = {}


def get_registry():
    """The FormRegistry for the configured FORMS_DIR (reloads changed files by itself)."""
    from app.formdefs.loader import FormRegistry

    forms_dir = current_app.config["FORMS_DIR"]
    with _lock:
        registry = _registries.get(forms_dir)
        if registry is None:
            registry = _registries[forms_dir] = FormRegistry(forms_dir)
    return registry
