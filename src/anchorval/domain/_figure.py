"""Source and Figure: every number in a case, with where it comes from and when."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..money import Money, normalize_currency, parse_amount, parse_number

__all__ = [
    "ASSUMPTION_PUBLISHER",
    "ASSUMPTION_SOURCE_ID",
    "FIGURE_KINDS",
    "CountFigure",
    "DateCite",
    "DerivedSpec",
    "Figure",
    "FigureKind",
    "FigureRef",
    "FrozenModel",
    "MoneyFigure",
    "MultipleFigure",
    "RatioFigure",
    "Source",
    "is_assumption_source",
    "iter_figures",
]

#: Source id a case uses for inputs no document gives (the case author's assumptions).
ASSUMPTION_SOURCE_ID = "assumption"
#: Publisher of such a source.
ASSUMPTION_PUBLISHER = "anchorval case author"

#: The three kinds of figure (see :mod:`anchorval.domain._provenance`).
FigureKind = Literal["stated", "derived", "assumption"]
FIGURE_KINDS: tuple[str, ...] = ("stated", "derived", "assumption")

#: Units a figure may carry besides a currency code.
PLAIN_UNITS = ("count", "x", "ratio")


class FrozenModel(BaseModel):
    """Base of all domain models: frozen, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Source(FrozenModel):
    """A cited document, declared once per case and referred to by id.

    Attributes
    ----------
    title : str
        Title as published (translated titles say so in ``note``).
    publisher : str
        Publisher or outlet.
    date : date
        Publication date (or the latest date the document cites, as ``note`` says).
    url : str, optional
        Address, where known.
    note : str, optional
        Caveats about the document (machine translation, garbled names).
    """

    title: str
    publisher: str
    date: date
    url: str | None = None
    note: str | None = None


class DerivedSpec(FrozenModel):
    """How a derived figure is computed from other figures of the same case.

    Attributes
    ----------
    formula : str
        Arithmetic over the input names: ``+ - * /``, parentheses and plain numbers
        (``'a / b'``, ``'price * shares'``). Nothing else is evaluated (the text is data, not code).
    inputs : dict of str to str
        Input name -> dotted figure path in the case (``'market.free_float.unrestricted_shares'``;
        an alternative reading is ``'<path>.alternatives[0]'``). Each input contributes its base value.
    tolerance : Decimal
        Largest relative gap (decimal, 0.0001 = 0.01%) between the figure's base value and the
        recomputed one; the default allows for the rounding of a published percentage.
    """

    formula: str
    inputs: dict[str, str]
    tolerance: Decimal = Decimal("0.0001")


class DateCite(FrozenModel):
    """The citation of a date (listing date, round date, launch date, lock-up expiry, horizon).

    Attributes
    ----------
    kind : {'stated', 'derived', 'assumption'}
        Whether a source prints the date, it is inferred from other facts, or it is the case
        author's choice.
    source : str
        Id of a source declared in the case (``'assumption'`` for an assumption).
    note : str, optional
        The words the date was read from, or how it was inferred.
    """

    kind: FigureKind
    source: str
    note: str | None = None


def _split_unit(raw: Any) -> tuple[Decimal, str | None]:
    """Parse one raw value into (number, unit-or-None)."""
    if isinstance(raw, str):
        s = raw.strip()
        if s.lower().endswith("x") and not s.upper().endswith(("USDX",)):
            return parse_number(s[:-1]), "x"
        if s.endswith("%"):
            return parse_number(s), "ratio"
        try:
            return parse_number(s), None
        except ValueError:
            m = parse_amount(s)
            return m.amount, m.currency
    return parse_number(raw), None


class Figure(FrozenModel):
    """One cited number: a point, a low/high range, or a discrete set.

    Attributes
    ----------
    value : Decimal, optional
        Point value (the base case when ``low``/``high`` are also given).
    low, high : Decimal, optional
        Range bounds, ``low <= high``.
    values : tuple of Decimal, optional
        A discrete set (e.g. revenue multiples 10x, 15x, 20x).
    unit : str
        A currency code (amounts are totals in that currency, not millions), ``'count'``
        (shares, units), ``'x'`` (a multiple, 15 = 15x) or ``'ratio'`` (a decimal, 0.59 = 59%).
    as_of : date
        Date the figure describes.
    source : str
        Id of a source declared in the case's ``sources``.
    note : str, optional
        How the figure was read or derived from the source.
    alternatives : tuple of Figure
        Disagreeing values from other sources; this figure is the primary one.
    distribution : dict, optional
        A stated probability distribution for simulation (see ``anchorval.simulate``).
    kind : {'stated', 'derived', 'assumption'}, optional
        Provenance: the source prints it, it is computed from other figures (``derived``), or no
        source gives it. When omitted it is read from the figure (see :attr:`provenance`).
    derived : DerivedSpec, optional
        Formula and inputs of a derived figure; the case loader recomputes it.

    Notes
    -----
    In YAML, values are human amounts: ``965B USD``, ``1e9``, ``59%``, ``15x``.
    """

    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    values: tuple[Decimal, ...] | None = None
    unit: str = "count"
    as_of: date
    source: str
    note: str | None = None
    alternatives: tuple[Figure, ...] = ()
    distribution: dict[str, Any] | None = None
    kind: FigureKind | None = None
    derived: DerivedSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse_human(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("a figure needs a mapping with value (or low/high), as_of and source")
        data = dict(data)
        units: set[str] = set()
        declared = data.get("unit")
        for key in ("value", "low", "high"):
            if data.get(key) is not None:
                num, unit = _split_unit(data[key])
                data[key] = num
                if unit:
                    units.add(unit)
        if data.get("values") is not None:
            if not isinstance(data["values"], list | tuple):
                raise ValueError("values must be a list")
            parsed = []
            for raw in data["values"]:
                num, unit = _split_unit(raw)
                parsed.append(num)
                if unit:
                    units.add(unit)
            data["values"] = tuple(parsed)
        if len(units) > 1:
            raise ValueError(f"mixed units in one figure: {sorted(units)}")
        if declared is not None:
            declared = str(declared)
            if declared not in PLAIN_UNITS:
                declared = normalize_currency(declared)
            if units and units != {declared}:
                raise ValueError(f"unit {declared!r} disagrees with the values ({sorted(units)})")
            data["unit"] = declared
        elif units:
            data["unit"] = units.pop()
        return data

    @model_validator(mode="after")
    def _check(self) -> Figure:
        if self.value is None and self.values is None and (self.low is None or self.high is None):
            raise ValueError("a figure needs value, values, or both low and high")
        if (self.low is None) != (self.high is None):
            raise ValueError("a range needs both low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low:,f} is above high {self.high:,f}")
        if self.value is not None and self.low is not None and not (self.low <= self.value <= self.high):
            raise ValueError(f"value {self.value} lies outside low/high [{self.low}, {self.high}]")
        if self.kind == "derived" and self.derived is None:
            raise ValueError("kind derived needs a derived block (formula and inputs) so it can be recomputed")
        if self.derived is not None and self.kind not in (None, "derived"):
            raise ValueError(f"a figure with a derived block is derived, not {self.kind}")
        if self.kind == "assumption" and self.source != ASSUMPTION_SOURCE_ID:
            raise ValueError(f"kind assumption must cite the {ASSUMPTION_SOURCE_ID!r} source, not {self.source!r}")
        if self.kind == "stated" and self.source == ASSUMPTION_SOURCE_ID:
            raise ValueError(f"a stated figure must cite a document, not the {ASSUMPTION_SOURCE_ID!r} source")
        return self

    @property
    def provenance(self) -> str:
        """The figure's kind: ``'stated'``, ``'derived'`` or ``'assumption'``.

        ``kind`` when given, else ``'derived'`` with a derived block, ``'assumption'`` when it cites
        the ``assumption`` source, else ``'stated'``.
        """
        if self.kind is not None:
            return self.kind
        if self.derived is not None:
            return "derived"
        return "assumption" if self.source == ASSUMPTION_SOURCE_ID else "stated"

    # -- reading -------------------------------------------------------------------------
    @property
    def is_money(self) -> bool:
        """True when the unit is a currency."""
        return self.unit not in PLAIN_UNITS

    @property
    def base(self) -> Decimal:
        """Point value: ``value``, else the median of ``values``, else the midpoint of the range."""
        if self.value is not None:
            return self.value
        if self.values is not None:
            v = sorted(self.values)
            n = len(v)
            return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
        assert self.low is not None and self.high is not None
        return (self.low + self.high) / 2

    @property
    def lo(self) -> Decimal:
        """Lower bound (``low``, else min of ``values``, else ``value``)."""
        if self.low is not None:
            return self.low
        if self.values is not None:
            return min(self.values)
        return self.base

    @property
    def hi(self) -> Decimal:
        """Upper bound (``high``, else max of ``values``, else ``value``)."""
        if self.high is not None:
            return self.high
        if self.values is not None:
            return max(self.values)
        return self.base

    @property
    def points(self) -> tuple[Decimal, ...]:
        """Distinct values to tabulate: ``values``, or ``(low, high)``, or ``(value,)``."""
        if self.values is not None:
            return tuple(self.values)
        if self.low is not None and self.high is not None:
            return (self.low, self.high) if self.low != self.high else (self.low,)
        return (self.base,)

    def money(self, which: Literal["base", "lo", "hi"] = "base") -> Money:
        """Return the figure as Money (``which`` picks base, low or high).

        Raises
        ------
        TypeError
            If the figure is not an amount of money.
        """
        if not self.is_money:
            raise TypeError(f"figure in {self.unit!r} is not money")
        return Money(getattr(self, which), self.unit)

    def display(self) -> str:
        """Human text of the figure: ``'30B-47B USD'``, ``'1718 USDT'``, ``'59%'``, ``'10x/15x/20x'``."""
        from ..money import format_number

        def one(v: Decimal) -> str:
            if self.unit == "ratio":
                return f"{format_number(v * 100, 4)}%"
            if self.unit == "x":
                return f"{format_number(v, 5)}x"
            return format_number(v, 6)

        if self.values is not None:
            text = "/".join(one(v) for v in self.values)
        elif self.low is not None and self.high is not None:
            text = f"{one(self.low)}-{one(self.high)}"
            if self.value is not None:
                text += f" (base {one(self.value)})"
        else:
            text = one(self.base)
        return f"{text} {self.unit}" if self.is_money else text


def _expect(kind: str, positive: bool = False) -> Any:
    def check(f: Figure) -> Figure:
        if kind == "money" and not f.is_money:
            raise ValueError(f"expected an amount with a currency, got unit {f.unit!r}")
        if kind != "money" and f.unit != kind:
            want = {"count": "a plain number", "ratio": "a percentage", "x": "a multiple like 15x"}
            raise ValueError(f"expected {want[kind]}, got unit {f.unit!r}")
        if positive:
            for v in (f.value, f.low, f.high, *(f.values or ())):
                if v is not None and v <= 0:
                    raise ValueError(f"must be positive, got {v.normalize():,f}")
        if kind == "ratio":
            for v in (f.value, f.low, f.high, *(f.values or ())):
                if v is not None and not (0 <= v <= 1):
                    raise ValueError(f"a share must lie in 0%-100%, got {v * 100}%")
        return f

    return AfterValidator(check)


#: A figure that is an amount of money (any currency).
MoneyFigure = Annotated[Figure, _expect("money")]
#: A positive amount of money.
PositiveMoneyFigure = Annotated[Figure, _expect("money", positive=True)]
#: A positive count (shares, units).
CountFigure = Annotated[Figure, _expect("count", positive=True)]
#: A decimal share in [0, 1] (written ``59%`` in YAML).
RatioFigure = Annotated[Figure, _expect("ratio")]
#: A decimal share in (0, 1] (a share of zero would make its anchor zero).
PositiveRatioFigure = Annotated[Figure, _expect("ratio", positive=True)]
#: A positive multiple (written ``15x`` in YAML).
MultipleFigure = Annotated[Figure, _expect("x", positive=True)]

_ = Field  # re-export convenience for subclasses


def iter_figures(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Figure]]:
    """Yield ``(dotted_path, figure)`` for every Figure inside a model, depth first.

    Parameters
    ----------
    model : pydantic.BaseModel
        A case or any part of it.
    prefix : str
        Path prefix (used in recursion).

    Yields
    ------
    tuple of (str, Figure)
        Paths such as ``'perps[0].price'``; alternatives are not yielded.
    """
    for name in type(model).model_fields:
        val = getattr(model, name)
        path = f"{prefix}{name}"
        yield from _walk(val, path)


def _walk(val: Any, path: str) -> Iterator[tuple[str, Figure]]:
    if isinstance(val, Figure):
        yield path, val
    elif isinstance(val, BaseModel):
        yield from iter_figures(val, path + ".")
    elif isinstance(val, list | tuple):
        for i, item in enumerate(val):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(val, dict):
        for k, item in val.items():
            if isinstance(item, Figure | BaseModel):
                yield from _walk(item, f"{path}.{k}")


def is_assumption_source(source_id: str, source: Source | None) -> bool:
    """Tell whether a source is the case author's assumptions rather than a document.

    Parameters
    ----------
    source_id : str
        Source id in the case.
    source : Source or None
        The declared source.

    Returns
    -------
    bool
        ``source_id == 'assumption'`` or the publisher is :data:`ASSUMPTION_PUBLISHER`.
    """
    return source_id == ASSUMPTION_SOURCE_ID or (
        source is not None and source.publisher.strip().lower() == ASSUMPTION_PUBLISHER
    )


@dataclass(frozen=True)
class FigureRef:
    """A case figure as used in a derivation step, with its citation.

    Attributes
    ----------
    case_id : str
        Case the figure belongs to (a peer's figures name the peer case).
    path : str
        Dotted path in the case (``'perps[0].price'``).
    display : str
        Human text of the figure (``'1718 USDT'``).
    as_of : date
        Date the figure describes.
    source_id : str
        Source id in the case.
    source : Source
        The cited source.
    note : str or None
        The figure's note (how it was read).
    assumption : bool
        True when the figure cites the case author's assumptions, not a document
        (see :func:`is_assumption_source`).
    kind : {'stated', 'derived', 'assumption'}
        The figure's provenance (:attr:`Figure.provenance`).
    """

    case_id: str
    path: str
    display: str
    as_of: date
    source_id: str
    source: Source
    note: str | None = None
    assumption: bool = False
    kind: str = "stated"

    def citation(self) -> str:
        """One-line citation: ``'BlockBeats, "title", 2026-06-22'``."""
        s = self.source
        return f'{s.publisher}, "{s.title}", {s.date.isoformat()}' + (f", {s.url}" if s.url else "")
