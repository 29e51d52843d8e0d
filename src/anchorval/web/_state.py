"""What the web app and the MCP server keep between requests, and their calls into workflows."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import AnchorvalError, CaseError, DistributionError
from ..money import format_money
from ._jobs import MAX_DRAWS, JobManager
from ._registry import CaseRegistry
from ._whatif import FieldGroup, panel

__all__ = ["State", "error_text", "market", "start_simulation"]


def error_text(exc: BaseException) -> str:
    """One line for an error (a KeyError's message without the quotes repr adds)."""
    if isinstance(exc, KeyError):
        return str(exc.args[0]) if exc.args else repr(exc)
    return str(exc)


class State:
    """What the app keeps between requests."""

    def __init__(self, cases_dir: str | Path | None = None, db: str | Path | None = None) -> None:
        self.registry = CaseRegistry(cases_dir)
        self.jobs = JobManager()
        self.db = db

    def warm(self) -> None:
        """Value every case as filed and build its what-if panel (fills the caches; errors stay for the page)."""
        for e in self.registry.entries():
            try:
                self.panel(e.key)
            except (AnchorvalError, KeyError):
                pass

    # -- valuation helpers (call workflows only) ---------------------------------------------
    def filed(self, key: str) -> Any:
        """Return the triangulation of a case as filed (cached)."""
        from ..workflows.value import value

        e = self.registry.get(key)
        t = e.cache.get("filed")
        if t is None:
            loaded = self.registry.loaded(key)
            t = value(loaded.case, peers=loaded.peers)
            e.cache["filed"] = t
        return t

    def what_if(
        self,
        key: str,
        overrides: Mapping[str, Any],
        currency: str | None = None,
        weights: Mapping[str, Any] | None = None,
        anchors: list[str] | None = None,
    ) -> Any:
        """Value a case with overrides (each overridden figure cites ``what-if``)."""
        from ..workflows.value import value

        if not overrides and currency is None and weights is None and anchors is None:
            return self.filed(key)
        loaded = self.registry.loaded(key)
        return value(
            loaded.case, anchors=anchors, currency=currency, weights=weights, peers=loaded.peers, overrides=overrides
        )

    def panel(self, key: str) -> list[FieldGroup]:
        e = self.registry.get(key)
        groups = e.cache.get("panel")
        if groups is None:
            t = self.filed(key)
            cid = t.case_id
            used = {
                a.anchor: [f.path if f.case_id == cid else f"{f.case_id}:{f.path}" for s in a.steps for f in s.figures]
                for a in t.anchors
            }
            loaded = self.registry.loaded(key)
            groups = panel(loaded.case, used, {a.anchor: a.title for a in t.anchors}, loaded.peers)
            e.cache["panel"] = groups
        return groups

    def case_row(self, e: Any) -> dict[str, Any]:
        """Return a row of ``anchorval cases --format json`` (plus the headline view for the page)."""
        if e.case is None:
            return {"id": e.key, "error": e.error, "kind": e.kind}
        c = e.case
        row: dict[str, Any] = {
            "id": e.key,
            "company": c.company.name,
            "status": c.company.status,
            "as_of": c.as_of.isoformat(),
            "currency": c.report_currency,
        }
        extra: dict[str, Any] = {"kind": e.kind, "origin": e.origin}
        try:
            t = self.filed(e.key)
            extra["blended"] = format_money(t.blended.base) if t.blended is not None else None
            extra["spread"] = f"{t.spread:.2f}x"
        except (AnchorvalError, KeyError) as exc:
            extra["error"] = error_text(exc)
        return {**row, "_page": extra}


def market(state: State, key: str, inputs: Mapping[str, str]) -> Any:
    from datetime import date

    from ..workflows.market import market_structure

    loaded = state.registry.loaded(key)

    def opt(k: str) -> str | None:
        v = (inputs.get(k) or "").strip()
        return v or None

    ta = [x.strip() for x in (opt("tracking_assets") or "").split(",") if x.strip()]
    by = []
    for d in (x.strip() for x in (opt("by") or "").split(",")):
        if d:
            try:
                by.append(date.fromisoformat(d))
            except ValueError:
                raise CaseError(f"{d!r} is not a date (YYYY-MM-DD)", field="by") from None
    return market_structure(
        loaded.case,
        peers=loaded.peers,
        tracking_assets=ta or None,
        average_daily_volume=opt("adv"),
        target_ps=opt("target_ps"),
        by=by,
        fundamental=opt("fundamental"),
        structural_share=opt("structural_share"),
    )


def start_simulation(state: State, key: str, draws: str, seed: Any, thresholds: list[str]) -> Any:
    from ..workflows.simulate import parse_draws, simulate

    n = parse_draws(draws)
    if n > MAX_DRAWS:
        raise DistributionError(f"draws: at most {MAX_DRAWS:,} in the web app (use the CLI for more), got {n:,}")
    s = None
    if seed not in (None, ""):
        try:
            s = int(seed)
        except ValueError:
            raise DistributionError(f"seed: not a whole number: {seed!r}") from None
    loaded = state.registry.loaded(key)
    chunk = max(n // 20, 1)

    def run(progress: Any) -> Any:
        return simulate(
            loaded, n, seed=s, thresholds=thresholds or None, chunk_size=chunk, threads=1, progress=progress
        )

    return state.jobs.submit(key, n, run)
