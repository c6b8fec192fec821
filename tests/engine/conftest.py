"""Engine tests: every save is checked against the library's serialization."""
from tests.state_check import state_equals_library  # noqa: F401  (autouse fixture)
