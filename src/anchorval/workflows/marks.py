"""Marks you record (secondary trades, fund marks, indications, rounds) and offline snapshots.

``anchorval mark add``, ``mark import`` and ``value --store`` write here; ``history`` reads the
marks beside the snapshots. Nothing in this module touches the network.

Marks CSV (``mark import``), one mark a row, UTF-8, a header row naming the columns:

==========  =========  ================================================================
column      required   meaning
==========  =========  ================================================================
``case``    yes        case id the mark belongs to (``anthropic-2026-06``)
``value``   yes        company valuation with its currency: ``1.2T USD``, ``965B USD``
``as_of``   yes        date of the mark, ISO ``YYYY-MM-DD``
``source``  yes        where it comes from (``Forge Price 2026-06-20``)
``kind``    no         ``secondary`` (default), ``fund_mark``, ``indication`` or ``round``
``note``    no         free text
==========  =========  ================================================================

The import is all-or-nothing: every row is checked first, and a bad row stops the import
with ``file:line: field: why`` before anything from the file is stored.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import MSG_BAD_MARKS_ROW, AnchorvalError, MarksImportError

__all__ = ["MARKS_COLUMNS", "import_marks", "make_mark", "read_marks_csv", "store_valuation"]

#: Columns of a marks CSV (the first four are required).
MARKS_COLUMNS = ("case", "value", "as_of", "source", "kind", "note")


def make_mark(
    case_id: str,
    value: str,
    source: str,
    as_of: str | date,
    kind: str = "secondary",
    note: str | None = None,
    now: datetime | None = None,
) -> Any:
    """Validate one mark and build its store row.

    Parameters
    ----------
    case_id : str
        Case id.
    value : str
        Valuation with its currency (``'1.2T USD'``; total).
    source : str
        Where the mark comes from (not empty).
    as_of : str or date
        Date of the mark (ISO ``YYYY-MM-DD``).
    kind : {'secondary', 'fund_mark', 'indication', 'round'}
    note : str, optional
    now : datetime, optional
        Recording time (default: the clock, UTC).

    Returns
    -------
    MarkRow

    Raises
    ------
    ValueError
        Whose ``args[0]`` is ``(field, why)`` for a bad field.

    Examples
    --------
    >>> m = make_mark("anthropic-2026-06", "1.2T USD", "Forge Price", "2026-06-20", "secondary")
    >>> m.value, m.currency, m.as_of
    (Decimal('1200000000000.0'), 'USD', datetime.date(2026, 6, 20))
    """
    from ..money import parse_amount
    from ..store import MARK_KINDS, MarkRow

    try:
        money = parse_amount(value)
    except AnchorvalError as exc:
        raise ValueError(("value", str(exc))) from None
    if money.amount <= 0:
        raise ValueError(("value", f"a valuation must be above zero, got {value!r}"))
    try:
        on = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ValueError(("as_of", f"not an ISO date (YYYY-MM-DD): {as_of!r}")) from None
    kind = (kind or "secondary").strip()
    if kind not in MARK_KINDS:
        raise ValueError(("kind", f"{kind!r} is not one of {', '.join(MARK_KINDS)}"))
    if not (source or "").strip():
        raise ValueError(("source", "every mark needs a source"))
    if not (case_id or "").strip():
        raise ValueError(("case", "empty case id"))
    return MarkRow(
        uuid.uuid4().hex,
        case_id.strip(),
        on,
        money.amount,
        money.currency,
        kind,
        source.strip(),
        now or datetime.now(UTC),
        (note or "").strip() or None,
    )


def read_marks_csv(path: str | Path) -> list[Any]:
    """Read and check every row of a marks CSV (see the module docstring for the columns).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    list of MarkRow

    Raises
    ------
    MarksImportError
        ``file:line: field: why`` for the first bad row or a missing column.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MarksImportError(MSG_BAD_MARKS_ROW.format(file=p, line=0, field="file", why=exc.strerror)) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in MARKS_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise MarksImportError(
            MSG_BAD_MARKS_ROW.format(file=p, line=1, field="header", why=f"missing column(s) {', '.join(missing)}")
        )
    out = []
    for row in reader:
        line = reader.line_num
        try:
            out.append(
                make_mark(
                    row.get("case") or "",
                    row.get("value") or "",
                    row.get("source") or "",
                    row.get("as_of") or "",
                    row.get("kind") or "secondary",
                    row.get("note"),
                )
            )
        except ValueError as exc:
            fld, why = exc.args[0] if isinstance(exc.args[0], tuple) else ("row", str(exc))
            raise MarksImportError(MSG_BAD_MARKS_ROW.format(file=p, line=line, field=fld, why=why)) from None
    return out


def import_marks(path: str | Path, store: Any) -> int:
    """Check every row of a marks CSV, then store them all in one transaction.

    Returns
    -------
    int
        Marks stored.

    Raises
    ------
    MarksImportError
        For a bad row; nothing from the file is stored.
    StoreError
        If the store cannot be written (nothing is then stored).
    """
    marks = read_marks_csv(path)
    store.write_marks(marks)
    return len(marks)


@dataclass(frozen=True)
class StoredValuation:
    """An offline valuation stored as a snapshot: the triangulation and the snapshot id."""

    triangulation: Any
    snapshot_id: str


def store_valuation(triangulation: Any, case: Any, store: Any, now: datetime | None = None) -> StoredValuation:
    """Store an offline valuation (every anchor's low/base/high) as a snapshot (``live`` False).

    Parameters
    ----------
    triangulation : Triangulation
        From :func:`anchorval.workflows.value.value`.
    case : Case
        The case valued (its inputs are hashed).
    store : Store
    now : datetime, optional
        Snapshot time (default: the clock, UTC).

    Returns
    -------
    StoredValuation
    """
    from ..store import AnchorRow, FxRow, Snapshot
    from .live import inputs_hash

    t = triangulation
    anchors = tuple(AnchorRow(a.anchor, a.low.amount, a.base.amount, a.high.amount) for a in t.anchors)
    if t.blended is not None:
        b = t.blended
        anchors += (AnchorRow("blended", b.low.amount, b.base.amount, b.high.amount),)
    fx = tuple(FxRow(r.base, r.quote, r.rate, r.on, r.source, r.assumption) for r in t.fx_rates)
    snap = Snapshot(
        uuid.uuid4().hex,
        case.id,
        now or datetime.now(UTC),
        t.currency,
        inputs_hash(case, t.fx_rates, {"currency": t.currency}),
        anchors,
        (),
        fx,
        False,
    )
    store.write_snapshot(snap)
    return StoredValuation(t, snap.snapshot_id)
