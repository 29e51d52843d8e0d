"""Case files: the loader (YAML 1.2, errors with file:line and field) and the bundled cases.

The bundled ``*.yaml`` files live in this folder as package data.
"""

from ._loader import LoadedCase, bundled_case_ids, load_case, parse_case_text, resolve_case
from ._overrides import WHAT_IF_SOURCE_ID, apply_overrides, override_loaded, override_paths, scenario_yaml

__all__ = [
    "WHAT_IF_SOURCE_ID",
    "LoadedCase",
    "apply_overrides",
    "bundled_case_ids",
    "load_case",
    "override_loaded",
    "override_paths",
    "parse_case_text",
    "resolve_case",
    "scenario_yaml",
]
