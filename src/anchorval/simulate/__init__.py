"""Uncertainty: distributions on case figures, a chunked Monte Carlo engine, sensitivity.

The package is callable: ``anchorval.simulate(case, draws=..., seed=...)`` runs
:func:`anchorval.uncertainty.simulate` (see its docstring for the parameters), so
``anchorval.simulate`` is at once the function users call and the package holding the engine
(``from anchorval.simulate import run_simulation, tornado, ...``).

Names are loaded lazily (numpy, scipy and SALib are imported on first use, keeping
``anchorval --help`` fast).

Examples
--------
>>> from anchorval.cases import resolve_case
>>> from anchorval.simulate import build_case_model, run_simulation
>>> m = build_case_model(resolve_case("anthropic-2026-06"))
>>> r = run_simulation(m, 200_000, seed=7)
>>> sorted(r.outputs)
['arr_multiple', 'blended', 'last_round', 'peer_multiple', 'perp_implied']
"""

from __future__ import annotations

import sys
import types
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


class _CallablePackage(types.ModuleType):
    """The simulate package, callable as :func:`anchorval.uncertainty.simulate`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from ..uncertainty import simulate

        return simulate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
