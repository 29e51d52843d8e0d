"""Case files: the loader (YAML 1.2, errors with file:line and field) and the bundled cases.

The bundled ``*.yaml`` files live in this folder as package data.
"""

from ._loader import LoadedCase, bundled_case_ids, load_case, parse_case_text, resolve_case

__all__ = ["LoadedCase", "bundled_case_ids", "load_case", "parse_case_text", "resolve_case"]
