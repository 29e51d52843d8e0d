"""The history store: one DuckDB file of quotes, FX rates and valuation snapshots.

Writes are transactional: one snapshot (its header, every anchor row, its quotes and FX rates) is
one transaction, so a crash mid-write loses only that snapshot and readers never see part of one.
The connection is held only while reading or writing, so another process (``anchorval history``
while ``anchorval watch`` runs) can open the file between writes; a lock conflict is retried.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import MSG_MISSING_EXTRA, ProviderUnavailableError, StoreError
from ._schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "ENV_DB",
    "MARK_KINDS",
    "AnchorRow",
    "FxRow",
    "MarkRow",
    "QuoteRow",
    "Snapshot",
    "Store",
    "default_db_path",
]

#: Kinds of recorded marks: a secondary trade (Forge, Caplight), a fund's mark, an indication
#: of interest, a priced round.
MARK_KINDS = ("secondary", "fund_mark", "indication", "round")

#: Environment variable that overrides the database path.
ENV_DB = "ANCHORVAL_DB"


def default_db_path() -> Path:
    """``$ANCHORVAL_DB`` or ``<user data dir>/anchorval/history.duckdb`` (platformdirs).

    Returns
    -------
    Path
        The history database path (the file may not exist yet).
    """
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("anchorval", appauthor=False) / "history.duckdb"


@dataclass(frozen=True)
class AnchorRow:
    """One anchor's low/base/high (totals in the snapshot currency)."""

    anchor: str
    low: Decimal
    base: Decimal
    high: Decimal


@dataclass(frozen=True)
class QuoteRow:
    """One venue quote behind a snapshot (prices in ``quote_currency`` per contract unit)."""

    venue: str
    symbol: str
    contract_type: str | None
    quote_currency: str
    mark_price: Decimal | None
    index_price: Decimal | None
    last_price: Decimal | None
    volume_base_24h: Decimal | None
    volume_quote_24h: Decimal | None
    open_interest: Decimal | None
    funding_rate: Decimal | None
    quote_time: datetime
    fetched_at: datetime
    implied_valuation: Decimal | None = None


@dataclass(frozen=True)
class FxRow:
    """One FX rate a snapshot used: 1 base = ``rate`` quote."""

    base: str
    quote: str
    rate: Decimal
    fixing_date: Any
    source: str
    assumption: bool = False


@dataclass(frozen=True)
class Snapshot:
    """A valuation of one case at one time, with the quotes and FX rates behind it.

    Attributes
    ----------
    snapshot_id : str
        Unique id (uuid4 hex).
    case_id : str
    taken_at : datetime
        Aware UTC time of the valuation.
    currency : str
        Currency of every anchor row.
    inputs_hash : str
        SHA-256 of the case inputs (same inputs, same hash).
    anchors : tuple of AnchorRow
    quotes : tuple of QuoteRow
    fx : tuple of FxRow
    live : bool
        True when built from live quotes.
    """

    snapshot_id: str
    case_id: str
    taken_at: datetime
    currency: str
    inputs_hash: str
    anchors: tuple[AnchorRow, ...]
    quotes: tuple[QuoteRow, ...] = ()
    fx: tuple[FxRow, ...] = ()
    live: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MarkRow:
    """A valuation mark recorded by hand (a Forge or Caplight price, a fund's mark).

    Attributes
    ----------
    mark_id : str
        Unique id (uuid4 hex).
    case_id : str
    as_of : date
        Date of the mark.
    value : Decimal
        Company valuation (total) in ``currency``.
    currency : str
    kind : {'secondary', 'fund_mark', 'indication', 'round'}
    source : str
        Where the mark comes from (free text, shown in reports).
    recorded_at : datetime
        When it was recorded (aware UTC).
    note : str, optional
    """

    mark_id: str
    case_id: str
    as_of: Any
    value: Decimal
    currency: str
    kind: str
    source: str
    recorded_at: datetime
    note: str | None = None


#: Open connections by resolved path: [connection, users]. Guarded by _SHARED_LOCK.
_SHARED: dict[str, list[Any]] = {}
_SHARED_LOCK = threading.Lock()


def _s(d: Decimal | None) -> str | None:
    """Decimal as plain text for an exact CAST in SQL (no binary float on the way)."""
    return None if d is None else format(d, "f")


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is in the live and test extras
        raise ProviderUnavailableError(
            MSG_MISSING_EXTRA.format(what="the history store", package="duckdb")
        ) from None
    return duckdb


class Store:
    """The history store at ``path`` (default :func:`default_db_path`).

    Parameters
    ----------
    path : str or Path, optional
        DuckDB file; created with its parent directory on first write.
    lock_timeout : float
        Seconds to keep retrying when another process holds the file (default 30).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "h.duckdb")
    >>> s.schema_version()
    3
    """

    def __init__(self, path: str | Path | None = None, lock_timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.lock_timeout = lock_timeout
        self._migrated = False

    # -- connections -----------------------------------------------------------------
    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Any]:
        """Open a DuckDB cursor for the ``with`` block (retried while the file is locked).

        Raises
        ------
        StoreError
            If the file cannot be opened within ``lock_timeout`` or is not a DuckDB database.
        """
        import tenacity

        duckdb = _duckdb()
        self.path.parent.mkdir(parents=True, exist_ok=True)

        def locked(exc: BaseException) -> bool:
            # another process holds the file
            return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()

        key = str(self.path.resolve())

        def open_() -> Any:
            # One connection per file and process, shared by threads through cursors (DuckDB's
            # MVCC isolates them); closed when the last user leaves, so another process can open
            # the file between reads and writes.
            with _SHARED_LOCK:
                entry = _SHARED.get(key)
                if entry is None:
                    entry = _SHARED[key] = [duckdb.connect(key), 0]
                entry[1] += 1
                return entry[0].cursor()

        try:
            cur = tenacity.Retrying(
                retry=tenacity.retry_if_exception(locked),
                wait=tenacity.wait_random_exponential(multiplier=0.02, max=0.5),
                stop=tenacity.stop_after_delay(self.lock_timeout),
                reraise=True,
            )(open_)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open history store {self.path}: {exc}") from exc
        try:
            yield cur
        finally:
            cur.close()
            with _SHARED_LOCK:
                entry = _SHARED[key]
                entry[1] -= 1
                if entry[1] == 0:
                    entry[0].close()
                    del _SHARED[key]

    # -- schema ------------------------------------------------------------------------
    def schema_version(self) -> int:
        """Return the schema version, after migrating to :data:`SCHEMA_VERSION`."""
        self.migrate()
        with self.connect(read_only=True) as con:
            return int(con.execute("SELECT max(version) FROM schema_version").fetchone()[0])

    def migrate(self, target: int = SCHEMA_VERSION) -> list[int]:
        """Apply every missing migration up to ``target``, each in its own transaction.

        Returns
        -------
        list of int
            Versions applied (empty when up to date).

        Raises
        ------
        StoreError
            If the database is newer than this code.
        """
        if self._migrated and target == SCHEMA_VERSION:
            return []
        applied = []
        with self.connect() as con:
            con.execute(MIGRATIONS[1][0])
            current = con.execute(
                "SELECT coalesce(max(version), 0) FROM schema_version"
            ).fetchone()[0]
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"history store {self.path} has schema v{current}; "
                    f"this anchorval reads up to v{SCHEMA_VERSION}"
                )
            for v in range(current + 1, target + 1):
                con.execute("BEGIN TRANSACTION")
                try:
                    for stmt in MIGRATIONS[v][1:] if v == 1 else MIGRATIONS[v]:
                        con.execute(stmt)
                    con.execute("INSERT INTO schema_version (version) VALUES (?)", [v])
                    con.execute("COMMIT")
                except Exception:
                    con.execute("ROLLBACK")
                    raise
                applied.append(v)
        self._migrated = target == SCHEMA_VERSION
        return applied

    # -- writing -----------------------------------------------------------------------
    def write_snapshot(self, snap: Snapshot) -> None:
        """Write one snapshot (header, anchors, quotes, FX) in one transaction.

        DataFrames are registered with DuckDB and inserted with ``INSERT ... SELECT`` (no
        executemany); Decimals travel as text and are cast exactly.

        Raises
        ------
        StoreError
            If the snapshot has no anchor rows or the write fails (nothing is then written).
        """
        import pandas as pd

        if not snap.anchors:
            raise StoreError(f"snapshot {snap.snapshot_id} has no anchor rows")
        self.migrate()
        vals = pd.DataFrame(
            [
                {
                    "snapshot_id": snap.snapshot_id,
                    "case_id": snap.case_id,
                    "anchor": a.anchor,
                    "low": _s(a.low),
                    "base": _s(a.base),
                    "high": _s(a.high),
                    "currency": snap.currency,
                    "taken_at": snap.taken_at,
                    "inputs_hash": snap.inputs_hash,
                }
                for a in snap.anchors
            ]
        )
        qcols = [
            "mark_price",
            "index_price",
            "last_price",
            "volume_base_24h",
            "volume_quote_24h",
            "open_interest",
            "funding_rate",
            "implied_valuation",
        ]
        quotes = pd.DataFrame(
            [
                {
                    "snapshot_id": snap.snapshot_id,
                    "venue": q.venue,
                    "symbol": q.symbol,
                    "contract_type": q.contract_type,
                    "quote_currency": q.quote_currency,
                    **{c: _s(getattr(q, c)) for c in qcols},
                    "quote_time": q.quote_time,
                    "fetched_at": q.fetched_at,
                }
                for q in snap.quotes
            ],
            columns=[
                "snapshot_id",
                "venue",
                "symbol",
                "contract_type",
                "quote_currency",
                *qcols,
                "quote_time",
                "fetched_at",
            ],
        )
        fx = pd.DataFrame(
            [
                {
                    "snapshot_id": snap.snapshot_id,
                    "base": r.base,
                    "quote": r.quote,
                    "rate": _s(r.rate),
                    "fixing_date": r.fixing_date,
                    "source": r.source,
                    "assumption": r.assumption,
                }
                for r in snap.fx
            ],
            columns=["snapshot_id", "base", "quote", "rate", "fixing_date", "source", "assumption"],
        )
        with self.connect() as con:
            con.register("v_df", vals)
            con.register("q_df", quotes.astype(object))
            con.register("f_df", fx.astype(object))
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        snap.snapshot_id,
                        snap.case_id,
                        snap.taken_at,
                        snap.currency,
                        snap.inputs_hash,
                        snap.live,
                        len(snap.anchors),
                    ],
                )
                con.execute(
                    """INSERT INTO valuations (snapshot_id, case_id, anchor, low, base, high,
                                             currency, taken_at, inputs_hash)
                       SELECT snapshot_id, case_id, anchor, CAST(low AS DECIMAL(38, 6)),
                              CAST(base AS DECIMAL(38, 6)), CAST(high AS DECIMAL(38, 6)),
                              currency, taken_at, inputs_hash FROM v_df"""
                )
                if len(quotes):
                    casts = ", ".join(
                        f"CAST({c} AS VARCHAR)::DECIMAL(38, {6 if c == 'implied_valuation' else 12})"  # noqa: E501
                        for c in qcols
                    )
                    con.execute(
                        f"""INSERT INTO quotes (snapshot_id, venue, symbol, contract_type,
                                                quote_currency,
                                                {", ".join(qcols)}, quote_time, fetched_at)
                            SELECT snapshot_id, venue, symbol, contract_type, quote_currency,
                                   {casts}, CAST(quote_time AS TIMESTAMPTZ),
                                   CAST(fetched_at AS TIMESTAMPTZ) FROM q_df"""
                    )
                if len(fx):
                    con.execute(
                        """INSERT INTO fx_rates SELECT snapshot_id, base, quote,
                                  CAST(rate AS VARCHAR)::DECIMAL(38, 18), CAST(fixing_date AS DATE),
                                  source, CAST(assumption AS BOOLEAN) FROM f_df"""
                    )
                con.execute("COMMIT")
            except Exception as exc:
                con.execute("ROLLBACK")
                duckdb = _duckdb()
                if isinstance(exc, duckdb.Error):
                    raise StoreError(f"cannot write snapshot to {self.path}: {exc}") from exc
                raise

    def write_marks(self, marks: Sequence[MarkRow]) -> None:
        """Write marks in one transaction: all of them or none.

        Raises
        ------
        StoreError
            If the write fails (nothing is then written).
        """
        import pandas as pd

        if not marks:
            return
        self.migrate()
        df = pd.DataFrame(
            [
                {
                    "mark_id": m.mark_id,
                    "case_id": m.case_id,
                    "as_of": m.as_of,
                    "value": _s(m.value),
                    "currency": m.currency,
                    "kind": m.kind,
                    "source": m.source,
                    "note": m.note,
                    "recorded_at": m.recorded_at,
                }
                for m in marks
            ]
        ).astype(object)
        with self.connect() as con:
            con.register("m_df", df)
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(
                    """INSERT INTO marks SELECT mark_id, case_id, CAST(as_of AS DATE),
                              CAST(value AS VARCHAR)::DECIMAL(38, 6), currency, kind, source, note,
                              CAST(recorded_at AS TIMESTAMPTZ) FROM m_df"""
                )
                con.execute("COMMIT")
            except Exception as exc:
                con.execute("ROLLBACK")
                if isinstance(exc, _duckdb().Error):
                    raise StoreError(f"cannot write marks to {self.path}: {exc}") from exc
                raise

    def marks(self, case_id: str | None = None) -> Any:
        """Return recorded marks (pandas DataFrame), of one case if given, oldest first.

        Returns
        -------
        pandas.DataFrame
            Columns ``mark_id, case_id, as_of, value (Decimal, total), currency, kind, source,
            note, recorded_at``; empty when the file does not exist.
        """
        return self._read(
            "SELECT * FROM marks WHERE (? IS NULL OR case_id = ?) ORDER BY as_of, recorded_at",
            [case_id, case_id],
        )

    # -- reading -----------------------------------------------------------------------
    def _read(self, sql: str, params: Sequence[Any]) -> Any:
        if not self.path.exists():
            import pandas as pd

            return pd.DataFrame()
        self.migrate()
        import pandas as pd

        with self.connect(read_only=True) as con:
            cur = con.execute(sql, list(params))
            cols = [d[0] for d in cur.description]
            # fetchall keeps DECIMAL columns as exact Decimal (DuckDB's .df() makes them float64)
            return pd.DataFrame(cur.fetchall(), columns=cols)

    def history(self, case_id: str, since: datetime | None = None) -> Any:
        """Valuation history of a case, one row per snapshot and anchor (pandas DataFrame).

        Columns: ``snapshot_id, taken_at, anchor, low, base, high, currency, inputs_hash, live``
        (amounts as Decimal, totals in ``currency``), oldest first. Only whole snapshots are
        returned (the snapshot header and all its anchor rows are committed together).

        Parameters
        ----------
        case_id : str
            Case id as stored by ``watch``.
        since : datetime, optional
            Only snapshots taken at or after this time (timezone-aware, UTC in the store).

        Returns
        -------
        pandas.DataFrame
            Empty (no columns) when the database file does not exist yet.

        Raises
        ------
        StoreError
            If the file cannot be opened or is newer than this code.
        """
        sql = """SELECT v.snapshot_id, v.taken_at, v.anchor, v.low, v.base, v.high, v.currency,
                        s.inputs_hash, s.live
                 FROM valuations v JOIN snapshots s USING (snapshot_id)
                 WHERE v.case_id = ? AND (? IS NULL OR v.taken_at >= ?)
                 ORDER BY v.taken_at, v.anchor"""
        return self._read(sql, [case_id, since, since])

    def quotes(self, case_id: str | None = None, since: datetime | None = None) -> Any:
        """Return stored quotes (pandas DataFrame), of one case if given, oldest first.

        Parameters
        ----------
        case_id : str, optional
            Only quotes of this case's snapshots.
        since : datetime, optional
            Only quotes timed at or after this time.

        Returns
        -------
        pandas.DataFrame
            One row per venue quote: prices per contract unit in ``quote_currency`` (Decimal),
            ``implied_valuation`` (total, quote currency). Empty when the file does not exist.

        Raises
        ------
        StoreError
            If the file cannot be opened or is newer than this code.
        """
        sql = """SELECT q.* FROM quotes q LEFT JOIN snapshots s USING (snapshot_id)
                 WHERE (? IS NULL OR s.case_id = ?) AND (? IS NULL OR q.quote_time >= ?)
                 ORDER BY q.quote_time, q.venue"""
        return self._read(sql, [case_id, case_id, since, since])

    def fx_rates(self, snapshot_id: str) -> Any:
        """FX rates a snapshot used (pandas DataFrame)."""
        return self._read(
            "SELECT * FROM fx_rates WHERE snapshot_id = ? ORDER BY base, quote", [snapshot_id]
        )

    def snapshot_ids(self, case_id: str | None = None) -> list[str]:
        """Ids of every committed snapshot (of one case), oldest first."""
        df = self._read(
            "SELECT snapshot_id FROM snapshots WHERE (? IS NULL OR case_id = ?) ORDER BY taken_at",
            [case_id, case_id],
        )
        return [] if df.empty else list(df["snapshot_id"])
