"""Schema versions of the history store and the migrations between them.

Each migration runs in one transaction together with the row that records its version, so a
crash mid-migration leaves the previous version intact.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_V1 = [
    """CREATE TABLE IF NOT EXISTS schema_version (
        version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""",
    """CREATE TABLE quotes (
        snapshot_id VARCHAR, venue VARCHAR NOT NULL, symbol VARCHAR NOT NULL,
        contract_type VARCHAR, quote_currency VARCHAR NOT NULL,
        mark_price DECIMAL(38, 12), index_price DECIMAL(38, 12), last_price DECIMAL(38, 12),
        volume_base_24h DECIMAL(38, 12), volume_quote_24h DECIMAL(38, 12),
        open_interest DECIMAL(38, 12), funding_rate DECIMAL(38, 12),
        quote_time TIMESTAMPTZ NOT NULL, fetched_at TIMESTAMPTZ NOT NULL)""",
    """CREATE TABLE valuations (
        snapshot_id VARCHAR NOT NULL, case_id VARCHAR NOT NULL, anchor VARCHAR NOT NULL,
        low DECIMAL(38, 6) NOT NULL, base DECIMAL(38, 6) NOT NULL, high DECIMAL(38, 6) NOT NULL,
        currency VARCHAR NOT NULL, taken_at TIMESTAMPTZ NOT NULL)""",
]

_V2 = [
    """CREATE TABLE snapshots (
        snapshot_id VARCHAR PRIMARY KEY, case_id VARCHAR NOT NULL, taken_at TIMESTAMPTZ NOT NULL,
        currency VARCHAR NOT NULL, inputs_hash VARCHAR NOT NULL,
        live BOOLEAN NOT NULL DEFAULT false,
        n_anchors INTEGER NOT NULL)""",
    """INSERT INTO snapshots
        SELECT snapshot_id, any_value(case_id), min(taken_at), any_value(currency),
               'unknown (schema v1)',
               false, count(*)
        FROM valuations GROUP BY snapshot_id""",
    "ALTER TABLE valuations ADD COLUMN inputs_hash VARCHAR DEFAULT 'unknown (schema v1)'",
    "ALTER TABLE quotes ADD COLUMN implied_valuation DECIMAL(38, 6)",
    """CREATE TABLE fx_rates (
        snapshot_id VARCHAR NOT NULL, base VARCHAR NOT NULL, quote VARCHAR NOT NULL,
        rate DECIMAL(38, 18) NOT NULL, fixing_date DATE NOT NULL, source VARCHAR NOT NULL,
        assumption BOOLEAN NOT NULL DEFAULT false)""",
    "CREATE INDEX valuations_case ON valuations (case_id, taken_at)",
]

_V3 = [
    """CREATE TABLE marks (
        mark_id VARCHAR PRIMARY KEY, case_id VARCHAR NOT NULL, as_of DATE NOT NULL,
        value DECIMAL(38, 6) NOT NULL, currency VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        source VARCHAR NOT NULL, note VARCHAR, recorded_at TIMESTAMPTZ NOT NULL)""",
    "CREATE INDEX marks_case ON marks (case_id, as_of)",
]

#: Statements that take a database from version ``v - 1`` to ``v``, by ``v``.
MIGRATIONS: dict[int, list[str]] = {1: _V1, 2: _V2, 3: _V3}
#: The version this code writes.
SCHEMA_VERSION = max(MIGRATIONS)
