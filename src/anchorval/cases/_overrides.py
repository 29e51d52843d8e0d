"""What-if overrides: a case with some figures replaced, each citing the ``what-if`` source.

An override maps a figure path of the case (``'arr_multiple.share'``, ``'perps[0].price'``) to a
new value, or a part of a range figure (``'arr_multiple.market_arr.low'``) to a new bound, or a
blend weight (``'blend_weights.arr_multiple'``) to a new weight. The overridden figure keeps the
unit of the figure as filed, is dated on the case's as-of date and cites the ``what-if`` source,
whose publisher is the case author's assumptions: reports label it ASSUMPTION.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ..domain import ASSUMPTION_PUBLISHER, Case, Figure, Source
from ..errors import MSG_UNKNOWN_OVERRIDE, CaseError
from ._loader import LoadedCase, _clean_msg, _loc_text, _path_to_loc

__all__ = ["WHAT_IF_SOURCE_ID", "apply_overrides", "override_loaded", "override_paths", "scenario_yaml"]

#: Source id every overridden figure cites.
WHAT_IF_SOURCE_ID = "what-if"
_PARTS = ("value", "low", "high", "values")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _what_if_source(case: Case) -> Source:
    return Source(
        title="What-if scenario: inputs typed by the user, not taken from a document",
        publisher=ASSUMPTION_PUBLISHER,
        date=case.as_of,
        note="Written by the anchorval what-if panel; the figures that cite it replace the case as filed.",
    )


def override_paths(case: Case) -> list[str]:
    """Return every path an override may name: the case's figures and its blend weights.

    Parameters
    ----------
    case : Case

    Returns
    -------
    list of str
        Figure paths (``'perps[0].price'``), then ``'blend_weights.<anchor>'`` for each weight.

    Examples
    --------
    >>> from anchorval.cases import load_case
    >>> "arr_multiple.share" in override_paths(load_case("anthropic-2026-06"))
    True
    """
    return [*case.figures(), *(f"blend_weights.{k}" for k in case.blend_weights)]


def _split(path: str, figures: Mapping[str, Figure]) -> tuple[str, str | None]:
    """Split ``'x.y.low'`` into the figure path and the part, when ``x.y`` is a figure."""
    if path in figures:
        return path, None
    head, _, part = path.rpartition(".")
    if part in _PARTS and head in figures:
        return head, part
    return path, None


def _raw(v: Any, unit: str) -> tuple[Any, bool]:
    """Return (value for the Figure parser, whether it is a bare number in the filed unit)."""
    if isinstance(v, bool):
        raise TypeError
    if isinstance(v, int | float | Decimal):
        return v, True
    if isinstance(v, str) and _NUMBER.match(v.strip().replace(",", "").replace("_", "")):
        return v.strip(), True
    return v, False


def _figure_data(old: Figure, part: str | None, v: Any, case: Case) -> dict[str, Any]:
    data: dict[str, Any] = {"as_of": case.as_of, "source": WHAT_IF_SOURCE_ID}
    bare = True
    if part is None:
        if isinstance(v, Mapping):
            items = {k: v[k] for k in _PARTS if k in v}
        elif isinstance(v, list | tuple):
            items = {"values": list(v)}
        else:
            items = {"value": v}
    else:
        keep = {k: getattr(old, k) for k in _PARTS if getattr(old, k) is not None}
        if part in ("low", "high") and "values" in keep:
            keep = {"low": old.lo, "high": old.hi}
        if part != "value" and "value" in keep and part in ("low", "high"):
            keep.pop("value")  # a moved bound may leave the filed point outside the range
        items = {**keep, part: v}
    for k, raw in items.items():
        if k == "values":
            vals = [_raw(x, old.unit) for x in (raw if isinstance(raw, list | tuple) else [raw])]
            data[k] = [x for x, _ in vals]
            bare = bare and all(b for _, b in vals)
        else:
            data[k], b = _raw(raw, old.unit)
            bare = bare and b
    if bare:
        data["unit"] = old.unit
    data["note"] = f"what-if override; filed as {old.display()} ({old.source}, {old.as_of.isoformat()})"
    return data


def apply_overrides(case: Case, overrides: Mapping[str, Any]) -> Case:
    """Return a copy of ``case`` with figures (or blend weights) replaced, validated as a case file is.

    Parameters
    ----------
    case : Case
        The case as filed.
    overrides : mapping of str to value
        Figure path -> new value. A bare number is read in the filed figure's unit (a share as a
        decimal, 0.5 = 50%; money in the figure's currency, totals; a multiple in x; a count);
        a string may carry its own unit as in a case file (``'50%'``, ``'1400 USDT'``, ``'15x'``,
        ``'150B USD'``); a list gives a discrete set, a mapping ``low``/``high``/``value``.
        ``'<figure>.low'`` (``.high``, ``.value``) replaces one bound of a range figure;
        ``'blend_weights.<anchor>'`` a blend weight (non-negative number).

    Returns
    -------
    Case
        Overridden figures cite the ``what-if`` source (added to ``sources``; its publisher is the
        case author's assumptions, so reports label the figures ASSUMPTION), are dated on the case
        date, and drop the filed figure's distribution and alternatives.

    Raises
    ------
    CaseError
        One line naming the field: an unknown path (the message lists the known ones), or a value
        the case file would reject (a negative share count, an unknown currency, a share above 100%).

    Examples
    --------
    >>> from anchorval.cases import load_case
    >>> c = apply_overrides(load_case("anthropic-2026-06"), {"arr_multiple.share": "50%"})
    >>> c.arr_multiple.share.value, c.arr_multiple.share.source
    (Decimal('0.5'), 'what-if')
    """
    if not overrides:
        return case
    figures = case.figures()
    data = _lists(case.model_dump())
    for path, v in overrides.items():
        fig_path, part = _split(path, figures)
        loc = _path_to_loc(fig_path)
        if fig_path in figures:
            try:
                new = _figure_data(figures[fig_path], part, v, case)
            except TypeError:
                raise CaseError(f"not a number or an amount: {v!r}", field=path) from None
        elif len(loc) == 2 and loc[0] == "blend_weights" and loc[1] in case.blend_weights:
            new = v
        else:
            known = ", ".join(override_paths(case))
            raise CaseError(MSG_UNKNOWN_OVERRIDE.format(case=case.id, known=known), field=path)
        node = data
        for k in loc[:-1]:
            node = node[k]
        node[loc[-1]] = new
    if any(_split(p, figures)[0] in figures for p in overrides):
        data["sources"] = {**data["sources"], WHAT_IF_SOURCE_ID: _what_if_source(case).model_dump()}
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc_ = tuple(err["loc"])
        msg = _clean_msg(err["msg"])
        field = _loc_text(loc_)
        if not loc_ and ": " in msg:
            field, msg = msg.split(": ", 1)
        raise CaseError(msg, field=field or None) from None


def _lists(x: Any) -> Any:
    """Turn the tuples of a ``model_dump`` into lists, so that items can be replaced."""
    if isinstance(x, dict):
        return {k: _lists(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_lists(v) for v in x]
    return x


def override_loaded(loaded: LoadedCase, overrides: Mapping[str, Any]) -> LoadedCase:
    """Apply overrides to a loaded case and to its peers (``'<peer id>:<path>'``).

    Parameters
    ----------
    loaded : LoadedCase
        The case and its resolved peers, as filed.
    overrides : mapping of str to value
        As :func:`apply_overrides`; a key ``'<peer case id>:<path>'`` overrides a figure of that
        peer (``'zhipu-2026-06:capital.share_price'`` moves the peer's P/S).

    Returns
    -------
    LoadedCase
        The overridden case and peers (the origin kept).

    Raises
    ------
    CaseError
        As :func:`apply_overrides`; for a peer the field reads ``'<peer id>:<path>'``.

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = override_loaded(resolve_case("anthropic-2026-06"), {"zhipu-2026-06:capital.share_price": "1000 HKD"})
    >>> lc.peers["zhipu-2026-06"].capital.share_price.value
    Decimal('1000')
    """
    if not overrides:
        return loaded
    own: dict[str, Any] = {}
    by_peer: dict[str, dict[str, Any]] = {}
    for k, v in overrides.items():
        pid, sep, rest = k.partition(":")
        if sep and pid in loaded.peers:
            by_peer.setdefault(pid, {})[rest] = v
        else:
            own[k] = v
    peers = dict(loaded.peers)
    for pid, ov in by_peer.items():
        try:
            peers[pid] = apply_overrides(peers[pid], ov)
        except CaseError as exc:
            raise CaseError(exc.message, field=f"{pid}:{exc.field}" if exc.field else pid) from None
    return LoadedCase(apply_overrides(loaded.case, own), peers, loaded.origin)


def _human(fig: Figure, v: Decimal) -> str:
    text = f"{v.normalize():f}" if v == v.to_integral_value() else f"{v:f}"
    if fig.unit == "ratio":
        pct = (v * 100).normalize()
        return f"{pct:f}%"
    if fig.unit == "x":
        return f"{text}x"
    if fig.unit == "count":
        return text
    return f"{text} {fig.unit}"


def scenario_yaml(text: str, case: Case, overrides: Mapping[str, Any]) -> str:
    """Write a case file with the what-if overrides in place, keeping every other line as filed.

    Parameters
    ----------
    text : str
        The case file as filed (YAML 1.2).
    case : Case
        The case parsed from ``text``.
    overrides : mapping of str to value
        As :func:`apply_overrides`.

    Returns
    -------
    str
        YAML text; each overridden figure cites ``what-if`` (declared in ``sources``) with a note
        giving the filed value. Loading it gives ``apply_overrides(case, overrides)``.

    Raises
    ------
    CaseError
        As :func:`apply_overrides`.

    Examples
    --------
    >>> from importlib import resources
    >>> from anchorval.cases import load_case
    >>> src = resources.files("anchorval.cases").joinpath("anthropic-2026-06.yaml").read_text("utf-8")
    >>> out = scenario_yaml(src, load_case("anthropic-2026-06"), {"arr_multiple.share": "50%"})
    >>> "source: what-if" in out
    True
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    new_case = apply_overrides(case, overrides)
    figures = case.figures()
    new_figs = new_case.figures()
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *_: True
    doc = yaml.load(text)
    touched: set[str] = set()
    for path in overrides:
        fig_path, _ = _split(path, figures)
        loc = _path_to_loc(fig_path)
        node = doc
        for k in loc[:-1]:
            node = node[k]
        if fig_path in new_figs:
            if fig_path in touched:
                continue
            touched.add(fig_path)
            f = new_figs[fig_path]
            m = CommentedMap()
            if f.value is not None:
                m["value"] = _human(f, f.value)
            if f.low is not None and f.high is not None:
                m["low"], m["high"] = _human(f, f.low), _human(f, f.high)
            if f.values is not None:
                m["values"] = [_human(f, v) for v in f.values]
            if f.unit == "count" and f.value is None and f.values is None:
                m["unit"] = "count"
            m["as_of"] = f.as_of
            m["source"] = WHAT_IF_SOURCE_ID
            m["note"] = f.note
            node[loc[-1]] = m
        else:
            w = new_case.blend_weights[str(loc[-1])]
            node[loc[-1]] = float(w) if w != w.to_integral_value() else int(w)
    if touched and WHAT_IF_SOURCE_ID not in doc["sources"]:
        s = _what_if_source(case)
        doc["sources"][WHAT_IF_SOURCE_ID] = CommentedMap(
            [("title", s.title), ("publisher", s.publisher), ("date", s.date), ("note", s.note)]
        )
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()
