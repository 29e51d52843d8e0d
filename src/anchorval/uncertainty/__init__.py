"""Uncertainty: distributions on case figures, a chunked Monte Carlo engine, sensitivity.

The maths of Monte Carlo and sensitivity; it never reads files. The workflow that loads a case
and a spec file and runs them is :mod:`anchorval.workflows.simulate` (``anchorval.simulate``).

Names are loaded lazily (numpy, scipy and SALib are imported on first use, keeping
``anchorval --help`` fast).

Examples
--------
>>> from anchorval.cases import resolve_case
>>> from anchorval.uncertainty import build_case_model, run_simulation
>>> from anchorval.workflows.value import value_loaded
>>> lc = resolve_case("anthropic-2026-06")
>>> m = build_case_model(lc, value_loaded(lc))
>>> r = run_simulation(m, 200_000, seed=7)
>>> sorted(r.outputs)
['arr_multiple', 'blended', 'last_round', 'peer_multiple', 'perp_implied']
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "KINDS": "._distributions",
    "Discrete": "._distributions",
    "Distribution": "._distributions",
    "LogNormal": "._distributions",
    "Normal": "._distributions",
    "Pert": "._distributions",
    "Point": "._distributions",
    "Triangular": "._distributions",
    "Uniform": "._distributions",
    "default_distribution": "._distributions",
    "parse_distribution": "._distributions",
    "BLOCK": "._engine",
    "DEFAULT_CHUNK": "._engine",
    "block_rng": "._engine",
    "default_threads": "._engine",
    "run_simulation": "._engine",
    "CaseModel": "._models",
    "FunctionModel": "._models",
    "InputVar": "._models",
    "SimModel": "._models",
    "build_case_model": "._models",
    "simulated": "._models",
    "InputSummary": "._results",
    "OutputStats": "._results",
    "SimulationResult": "._results",
    "Sketch": "._sketch",
    "GridResult": "._sensitivity",
    "SobolResult": "._sensitivity",
    "TornadoResult": "._sensitivity",
    "grid": "._sensitivity",
    "sobol": "._sensitivity",
    "tornado": "._sensitivity",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
