"""Embedded history store (DuckDB) of quotes, FX rates used and valuation snapshots."""

from ._schema import MIGRATIONS, SCHEMA_VERSION
from ._store import (
    ENV_DB,
    MARK_KINDS,
    AnchorRow,
    FxRow,
    MarkRow,
    QuoteRow,
    Snapshot,
    Store,
    default_db_path,
)

__all__ = [
    "ENV_DB",
    "MARK_KINDS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AnchorRow",
    "FxRow",
    "MarkRow",
    "QuoteRow",
    "Snapshot",
    "Store",
    "default_db_path",
]
