"""Every save in a test compared with the library's own serializer: our spec-less writer must give exactly
the state SpiffWorkflow would (minus the spec, which lives on the definition)."""
import json

import pytest

from app.engine import operation
from app.engine.serializer import SPEC_KEYS, serializer_for, workflow_to_state


def _checked(wf, dialect):
    state = workflow_to_state(wf, dialect)
    library = json.loads(serializer_for(dialect).serialize_json(wf))
    for key in SPEC_KEYS:
        library.pop(key)
    assert json.loads(state.text) == library, "saved state differs from the library's serialization"
    return state


@pytest.fixture(autouse=True)
def state_equals_library(monkeypatch):
    """Saves go through the comparison above for the tests of this directory."""
    monkeypatch.setattr(operation, "workflow_to_state", _checked)
