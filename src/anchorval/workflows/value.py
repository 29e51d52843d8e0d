"""Orchestration used by the CLI, the web page and notebooks: load a case, value it, render it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from ..anchors import ANCHORS, AnchorContext
from ..anchors.triangulate import Triangulation, triangulate
from ..cases import LoadedCase, resolve_case
from ..domain import Case
from ..errors import MissingFigureError

__all__ = ["value", "value_loaded"]


def value_loaded(
    loaded: LoadedCase,
    anchors: Sequence[str] | None = None,
    currency: str | None = None,
    weights: Mapping[str, Decimal | float] | None = None,
) -> Triangulation:
    """Value an already loaded case with every anchor it has figures for.

    Parameters
    ----------
    loaded : LoadedCase
        The case and its resolved peers.
    anchors : sequence of str, optional
        Anchor keys to compute (see ``anchorval.anchors.ANCHORS``). Default: every registered
        anchor whose figures the case has; the others are listed in ``Triangulation.skipped``.
        Named anchors must be computable.
    currency : str, optional
        Report currency (default: the case's ``report_currency``).
    weights : mapping of str to number, optional
        Blend weights (default: the case's ``blend_weights``).

    Returns
    -------
    Triangulation

    Raises
    ------
    KeyError
        If an anchor key is unknown (the message lists the registered ones).
    MissingFigureError
        If a named anchor lacks a figure, or no anchor at all can be computed.
    FxRateMissingError
        If a needed FX rate is unknown.
    """
    case = loaded.case
    ctx = AnchorContext(fx=loaded.fx, peers=dict(loaded.peers), currency=currency)
    keys = list(anchors) if anchors else list(ANCHORS)
    unknown = [k for k in keys if k not in ANCHORS]
    if unknown:
        raise KeyError(f"unknown anchor {unknown[0]!r}; registered: {', '.join(ANCHORS)}")
    results, skipped = [], {}
    for k in keys:
        try:
            results.append(ANCHORS[k](case, ctx))
        except MissingFigureError as exc:
            if anchors:
                raise
            skipped[k] = str(exc)
    if not results:
        raise MissingFigureError(
            f"case {case.id!r}: no anchor can be computed ({'; '.join(skipped.values())})"
        )
    return triangulate(results, case, weights=weights, skipped=skipped, peers=loaded.peers)


def value(
    case: str | Path | Case,
    anchors: Sequence[str] | None = None,
    currency: str | None = None,
    weights: Mapping[str, Decimal | float] | None = None,
    peers: Mapping[str, Case] | None = None,
) -> Triangulation:
    """Value a company with every anchor, side by side.

    Parameters
    ----------
    case : str, Path or Case
        A bundled case id (``'anthropic-2026-06'``), a path to a case file, or a Case built in code.
    anchors : sequence of str, optional
        Anchor keys to compute; default all the case has figures for.
    currency : str, optional
        Report currency (default: the case's).
    weights : mapping of str to number, optional
        Blend weights by anchor key (default: the case's ``blend_weights``).
    peers : mapping of str to Case, optional
        Peer cases built in code (win over files).

    Returns
    -------
    Triangulation
        With ``.to_frame()`` (pandas) and an HTML table in Jupyter.

    Raises
    ------
    UnknownCaseError, CaseError
        If the case cannot be found or is invalid.
    MissingFigureError, FxRateMissingError
        As :func:`value_loaded`.

    Examples
    --------
    >>> import anchorval
    >>> t = anchorval.value("anthropic-2026-06")
    >>> str(t.anchor("perp_implied").base)
    '1.718T USD'
    """
    return value_loaded(resolve_case(case, peers), anchors, currency, weights)
