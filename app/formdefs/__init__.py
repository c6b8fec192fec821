"""Task form definitions: form files, validation schemas, USCC checks, Camunda import."""

from .camunda import form_from_camunda
from .loader import FormDefError, FormRegistry, UnknownFormKey, load_form, load_form_dict
from .model import FIELD_TYPES, FieldDef, FormDef, Option
from .schema import build_schema, cell_error_key, unflatten_form, validate_submission
from .uscc import is_valid_uscc, make_uscc, normalize_uscc, uscc_check_char, uscc_problem

__all__ = [
    "FIELD_TYPES", "FieldDef", "FormDef", "FormDefError", "FormRegistry", "Option",
    "UnknownFormKey", "build_schema", "cell_error_key", "form_from_camunda", "is_valid_uscc",
    "load_form", "load_form_dict", "make_uscc", "normalize_uscc", "unflatten_form",
    "uscc_check_char", "uscc_problem", "validate_submission",
]
