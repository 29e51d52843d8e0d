"""The what-if panel: the inputs that drive each anchor, and form values -> overrides."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain import Case, Figure

__all__ = ["Field", "FieldGroup", "form_overrides", "panel"]

_SCALES = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K"))
_LIST_SPLIT = re.compile(r"[,/;\s]+")


@dataclass(frozen=True)
class Field:
    """One input of the what-if panel.

    Attributes
    ----------
    name : str
        Override path (``'arr_multiple.share'``, ``'financials.arr_run_rate.low'``).
    label : str
        What it is.
    kind : {'percent', 'text', 'list', 'weight'}
        A slider in percent (ratios), a text input taking an amount (a bare number is in the
        filed unit), a list of values, or a blend weight.
    value : str
        The value as filed, as the input shows it.
    unit : str
        The filed unit (currency code, ``x``, ``count``, ``ratio``).
    cite : str
        Where the filed value comes from (``'blockbeats-zh, 2026-06-22'``).
    """

    name: str
    label: str
    kind: str
    value: str
    unit: str
    cite: str

    @property
    def dom_id(self) -> str:
        """HTML id of the input (the error line beside it is ``err-<id>``)."""
        return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")


@dataclass(frozen=True)
class FieldGroup:
    """The inputs of one anchor (or the blend weights)."""

    title: str
    fields: tuple[Field, ...]


def exact(v: Decimal) -> str:
    """Exact human text of a number with a K/M/B/T suffix when it divides evenly (``'30B'``)."""
    for scale, suffix in _SCALES:
        if abs(v) >= scale:
            q = v / scale
            if q * scale == v and len(f"{q.normalize():f}") <= 8:
                return f"{q.normalize():f}{suffix}"
    return f"{v.normalize():f}"


def _text(f: Figure, v: Decimal) -> str:
    if f.unit == "ratio":
        return f"{(v * 100).normalize():f}"
    if f.unit == "x":
        return f"{v.normalize():f}x"
    if f.unit == "count":
        return exact(v)
    return f"{exact(v)} {f.unit}"


def _fields(path: str, f: Figure, label: str) -> list[Field]:
    cite = f"{f.source}, {f.as_of.isoformat()}"
    kind = "percent" if f.unit == "ratio" else "text"
    if f.values is not None:
        return [Field(path, label, "list", ", ".join(_text(f, v) for v in f.values), f.unit, cite)]
    out = []
    if f.low is not None and f.high is not None:
        out += [
            Field(f"{path}.low", f"{label} (low)", kind, _text(f, f.low), f.unit, cite),
            Field(f"{path}.high", f"{label} (high)", kind, _text(f, f.high), f.unit, cite),
        ]
        if f.value is not None:
            out.append(Field(f"{path}.value", f"{label} (base)", kind, _text(f, f.value), f.unit, cite))
        return out
    return [Field(path, label, kind, _text(f, f.base), f.unit, cite)]


def panel(
    case: Case, used: Mapping[str, list[str]], titles: Mapping[str, str], peers: Mapping[str, Case] | None = None
) -> list[FieldGroup]:
    """Group the case's inputs by the anchor they drive.

    Parameters
    ----------
    case : Case
        The case as filed.
    used : mapping of str to list of str
        Anchor key -> figure paths its derivation cites, in order (a peer's as ``'<peer id>:<path>'``).
    titles : mapping of str to str
        Anchor key -> title.
    peers : mapping of str to Case, optional
        The peer cases (their figures are offered as ``'<peer id>:<path>'``).

    Returns
    -------
    list of FieldGroup
        One group per anchor with inputs, then the blend weights.
    """
    figures = dict(case.figures())
    for pid, p in (peers or {}).items():
        figures.update({f"{pid}:{path}": f for path, f in p.figures().items()})
    groups, seen = [], set()
    for key, paths in used.items():
        fields: list[Field] = []
        for p in paths:
            if p in seen or p not in figures:
                continue
            seen.add(p)
            fields += _fields(p, figures[p], p)
        if fields:
            groups.append(FieldGroup(titles.get(key, key), tuple(fields)))
    if case.blend_weights:
        groups.append(
            FieldGroup(
                "Blend weights",
                tuple(
                    Field(f"blend_weights.{k}", k, "weight", f"{w.normalize():f}", "weight", "case blend_weights")
                    for k, w in case.blend_weights.items()
                ),
            )
        )
    return groups


def form_overrides(form: Mapping[str, Any], groups: list[FieldGroup]) -> dict[str, Any]:
    """Turn submitted panel values into overrides; a value left as filed is no override.

    Parameters
    ----------
    form : mapping of str to str
        Submitted form (field name -> text).
    groups : list of FieldGroup
        The panel, for the filed values and the kinds.

    Returns
    -------
    dict
        Override path -> value for :func:`anchorval.cases.apply_overrides` (percent sliders are
        sent as ``'50%'``; lists as lists of strings; other text as typed).
    """
    out: dict[str, Any] = {}
    for g in groups:
        for f in g.fields:
            raw = form.get(f.name)
            if raw is None:
                continue
            v = str(raw).strip()
            if v == f.value or not v:
                continue
            if f.kind == "percent":
                out[f.name] = v if v.endswith("%") else f"{v}%"
            elif f.kind == "list":
                out[f.name] = [p for p in _LIST_SPLIT.split(v) if p]
            else:
                out[f.name] = v
    return out
