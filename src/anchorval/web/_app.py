"""The FastAPI application: HTML pages (Jinja2, autoescaped; HTMX) and the JSON API under /api/v1."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..errors import AnchorvalError, CaseError
from ..money import amount_str
from ._jobs import MAX_DRAWS
from ._plots import figure_div, inline_plots_to_data
from ._registry import MAX_UPLOAD_BYTES
from ._state import State, error_text, market, start_simulation
from ._whatif import form_overrides

__all__ = ["API_PREFIX", "CSP", "create_app"]

#: Prefix of the JSON API.
API_PREFIX = "/api/v1"
#: Content-Security-Policy of every response: scripts only from this server, no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_PACKAGE = "anchorval.web"
#: The report's templates the case page includes (derivations with citations, FX, sources).
_REPORT_TEMPLATES = ("derivations.html.j2", "fx.html.j2", "sources.html.j2")


def _plotly_js_path() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _env() -> Any:
    from jinja2 import ChoiceLoader, PackageLoader

    from ..report._base import env as report_env

    # the report's environment (its filters) over a loader that finds the web templates first; the
    # report's templates (derivations, FX, sources) are included as they are, compiled once
    loader = ChoiceLoader([PackageLoader(_PACKAGE, "templates"), PackageLoader("anchorval.report", "templates")])
    env = report_env().overlay(loader=loader, autoescape=True)
    env.filters = dict(env.filters)  # the overlay shares the dict; keep the report's own untouched
    env.filters["plot"] = figure_div
    env.filters["amount"] = amount_str
    return env


def _what_if_values(state: State, key: str, overrides: dict[str, Any]) -> tuple[Any, dict[str, str], dict[str, Any]]:
    """Value with every override that validates; return (triangulation, errors by field, used overrides).

    A bad input (a negative share count, an unknown currency) is left out and its one-line
    message (the same the CLI gives for a case file, without the file and line) is returned
    beside its field, so the page keeps working with the other inputs.
    """
    errors: dict[str, str] = {}
    good = dict(overrides)
    for _ in range(len(overrides) + 1):
        try:
            return state.what_if(key, good), errors, good
        except CaseError as exc:
            # the input in error: the override itself, or the range whose bound it moved
            bad = next((k for k in good if exc.field and (k == exc.field or k.startswith(exc.field + "."))), None)
            if bad is None:  # a check across several inputs: show it, value the case as filed
                return state.filed(key), {**errors, "all inputs": str(exc)}, {}
            errors[bad] = exc.message if exc.field == bad else str(exc)
            good.pop(bad)
    return state.filed(key), errors, {}


def create_app(
    cases_dir: str | Path | None = None,
    db: str | Path | None = None,
    allowed_hosts: list[str] | None = None,
) -> Any:
    """Build the web app.

    Parameters
    ----------
    cases_dir : str or Path, optional
        Folder of the user's case files (``--cases``), listed beside the bundled cases.
    db : str or Path, optional
        History store for the History page (default: ``$ANCHORVAL_DB`` or the user data dir).
    allowed_hosts : list of str, optional
        Host names the app answers to (other ``Host`` headers get 400, which stops DNS rebinding
        of a loopback server); default any. ``anchorval serve`` on loopback passes the loopback names.

    Returns
    -------
    fastapi.FastAPI
        Pages at ``/``, the JSON API under ``/api/v1`` (OpenAPI at ``/openapi.json``, described
        at ``/docs``), static files (htmx, plotly.js) under ``/static``.

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app())
    >>> client.get("/api/v1/cases").json()[0]["id"]
    'anthropic-2026-06'
    """
    from .. import __version__

    state = State(cases_dir, db)
    env = _env()

    def warm() -> None:
        """Import the chart code, compile the templates and value every case (fills the caches)."""
        from ..report.valuation import football_field

        for name in (*resources.files(_PACKAGE).joinpath("templates").iterdir(), *_REPORT_TEMPLATES):
            env.get_template(name if isinstance(name, str) else name.name)
        state.warm()
        for e in state.registry.entries():
            if e.case is not None and "filed" in e.cache:
                result_context(e.key, e.cache["filed"], {}, {})
                break
        _ = football_field

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # value every case once in the background, so the first page a user opens is quick
        threading.Thread(target=warm, name="anchorval-warm", daemon=True).start()
        yield
        state.jobs.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="anchorval",
        version=__version__,
        description="Valuation anchors for AI companies. The JSON bodies are those of the CLI's `--format json`.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.anchorval = state
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    plotly_js = _plotly_js_path()

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if request.url.path.startswith(("/static/", "/static-plotly/")):
            response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @app.exception_handler(AnchorvalError)
    async def anchorval_error(request: Request, exc: AnchorvalError) -> Any:
        status = 404 if isinstance(exc, LookupError) and "unknown case" in str(exc) else 400
        if request.url.path.startswith(API_PREFIX):
            return JSONResponse({"error": str(exc)}, status_code=status)
        return HTMLResponse(page("error.html.j2", title="Error", message=str(exc)), status_code=status)

    def page(template: str, **ctx: Any) -> str:
        return env.get_template(template).render(nav_cases=state.registry.keys(), **ctx)

    def frag(template: str, **ctx: Any) -> str:
        return env.get_template(template).render(**ctx)

    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files(_PACKAGE).joinpath("static"))),
        name="static",
    )

    @app.get("/static-plotly/plotly.min.js", include_in_schema=False)
    def plotly_min() -> Any:
        return FileResponse(plotly_js, media_type="text/javascript")

    # -- pages -------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def cases_page() -> Any:
        state.registry.refresh()
        rows = [state.case_row(e) for e in state.registry.entries()]
        return page("cases.html.j2", title="Cases", rows=rows, cases_dir=state.registry.cases_dir, cap=MAX_UPLOAD_BYTES)

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload_page(file: UploadFile = File(...)) -> Any:
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        try:
            e = state.registry.add_upload(data, file.filename or "upload.yaml")
        except AnchorvalError as exc:
            return frag("upload_result.html.j2", error=str(exc), entry=None)
        return frag("upload_result.html.j2", error=None, entry=e)

    def case_context(key: str) -> dict[str, Any]:
        e = state.registry.get(key)
        loaded = state.registry.loaded(key)
        t = state.filed(key)
        return {
            "key": key,
            "entry": e,
            "case": loaded.case,
            "t": t,
            "filed": t,
            "groups": state.panel(key),
            "errors": {},
            "overrides": {},
            "listed": loaded.case.company.status == "listed",
        }

    def result_context(key: str, t: Any, overrides: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, Any]:
        from ..report.valuation import football_field

        filed = state.filed(key)

        diff = []
        for a in t.anchors:
            try:
                f = filed.anchor(a.anchor)
            except KeyError:
                f = None
            diff.append((a, f))
        return {
            "key": key,
            "t": t,
            "filed": filed,
            "diff": diff,
            "overrides": dict(overrides),
            "errors": dict(errors),
            "chart": figure_div(football_field(t)),
            "groups": state.panel(key),
            "query": _query({k: v for k, v in overrides.items() if ":" not in k}),
            "full_query": _query(overrides),
            "peer_overrides": [k for k in overrides if ":" in k],
        }

    def _query(overrides: Mapping[str, Any]) -> str:
        from urllib.parse import urlencode

        return urlencode([(k, ", ".join(v) if isinstance(v, list) else str(v)) for k, v in overrides.items()])

    @app.get("/cases/{key}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(key: str) -> Any:
        ctx = case_context(key)
        ctx.update(result_context(key, ctx["t"], {}, {}))
        return page("case.html.j2", title=ctx["case"].company.name, **ctx)

    @app.post("/cases/{key}/whatif", response_class=HTMLResponse, include_in_schema=False)
    async def what_if_fragment(key: str, request: Request) -> Any:
        form = await request.form()
        groups = state.panel(key)
        overrides = form_overrides({k: str(v) for k, v in form.items()}, groups)
        t, errors, used = _what_if_values(state, key, overrides)
        return frag("result.html.j2", **result_context(key, t, used, errors), oob=True)

    @app.get("/cases/{key}/scenario.yaml", include_in_schema=False)
    def scenario(key: str, request: Request) -> Any:
        from ..cases import scenario_yaml

        e = state.registry.get(key)
        loaded = state.registry.loaded(key)
        groups = state.panel(key)
        q = dict(request.query_params)
        # a peer's figures live in the peer's file: the download holds this case's overrides only
        overrides = {k: v for k, v in form_overrides(q, groups).items() if ":" not in k}
        # values passed straight (list text already joined) are re-read as the panel reads them
        text = scenario_yaml(e.text, loaded.case, overrides)
        return Response(
            text,
            media_type="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{loaded.case.id}-what-if.yaml"'},
        )

    @app.get("/cases/{key}/scenario.{fmt}", include_in_schema=False)
    def scenario_output(key: str, fmt: str, request: Request) -> Any:
        """Return the scenario's valuation as the CLI writes it: an HTML report or a CSV of the anchors."""
        if fmt not in ("html", "csv"):
            return Response("unknown format (html, csv or yaml)", status_code=404, media_type="text/plain")
        loaded = state.registry.loaded(key)
        t = state.what_if(key, form_overrides(dict(request.query_params), state.panel(key)))
        name = f"{loaded.case.id}-what-if.{fmt}"
        if fmt == "csv":
            body, media = t.to_frame().to_csv(), "text/csv"
        else:
            from ..report import render_html

            body, media = render_html(t), "text/html"
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/cases/{key}/market", response_class=HTMLResponse, include_in_schema=False)
    def market_page(
        key: str,
        tracking_assets: str = "",
        adv: str = "",
        target_ps: str = "",
        fundamental: str = "",
        structural_share: str = "",
        by: str = "",
    ) -> Any:
        from ..report.market import market_sections

        loaded = state.registry.loaded(key)
        inputs = {
            "tracking_assets": tracking_assets,
            "adv": adv,
            "target_ps": target_ps,
            "fundamental": fundamental,
            "structural_share": structural_share,
            "by": by,
        }
        error, sections = None, []
        try:
            r = market(state, key, inputs)
            sections = [(s.id, s.title, inline_plots_to_data(s.html)) for s in market_sections(r)]
        except (AnchorvalError, KeyError, ValueError) as exc:
            error = error_text(exc)
        return page(
            "market.html.j2",
            title=f"{loaded.case.company.name}: market structure",
            key=key,
            case=loaded.case,
            inputs=inputs,
            error=error,
            sections=sections,
        )

    @app.get("/cases/{key}/simulate", response_class=HTMLResponse, include_in_schema=False)
    def simulate_page(key: str) -> Any:
        loaded = state.registry.loaded(key)
        return page(
            "simulate.html.j2",
            title=f"{loaded.case.company.name}: simulation",
            key=key,
            case=loaded.case,
            max_draws=MAX_DRAWS,
        )

    @app.post("/cases/{key}/simulate", response_class=HTMLResponse, include_in_schema=False)
    def simulate_start(key: str, draws: str = Form("200000"), seed: str = Form(""), thresholds: str = Form("")) -> Any:
        try:
            job = start_simulation(state, key, draws, seed or None, [x for x in thresholds.split(",") if x.strip()])
        except AnchorvalError as exc:
            return frag("job.html.j2", job=None, error=str(exc), sections=[])
        return frag("job.html.j2", job=job, error=None, sections=[])

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_fragment(job_id: str) -> Any:
        try:
            job = state.jobs.get(job_id)
        except KeyError as exc:
            return frag("job.html.j2", job=None, error=error_text(exc), sections=[])
        sections = []
        if job.status == "done":
            from ..report.simulation import simulation_sections

            sections = [(s.id, s.title, inline_plots_to_data(s.html)) for s in simulation_sections(job.result)]
        return frag("job.html.j2", job=job, error=job.error, sections=sections)

    @app.post("/jobs/{job_id}/cancel", response_class=HTMLResponse, include_in_schema=False)
    def job_cancel(job_id: str) -> Any:
        try:
            job = state.jobs.cancel(job_id)
        except KeyError as exc:
            return frag("job.html.j2", job=None, error=error_text(exc), sections=[])
        return frag("job.html.j2", job=job, error=None, sections=[])

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(case: list[str] = Query(default=[])) -> Any:
        from ..report.compare import compare_field

        keys = [k for k in case if k][:8]
        ts, errors = [], []
        cur = None
        for k in keys:
            try:
                cur = cur or state.registry.loaded(k).case.report_currency
                ts.append((k, state.what_if(k, {}, currency=cur)))
            except (AnchorvalError, KeyError) as exc:
                errors.append(f"{k}: {error_text(exc)}")
        anchors: list[tuple[str, str]] = []
        for _, t in ts:
            for a in t.anchors:
                if a.anchor not in [x for x, _ in anchors]:
                    anchors.append((a.anchor, a.title))
        grid = []
        for akey, title in anchors:
            cells = []
            for _, t in ts:
                try:
                    cells.append(t.anchor(akey))
                except KeyError:
                    cells.append(None)
            grid.append((title, cells))
        chart = figure_div(compare_field([t for _, t in ts])) if ts else None
        return page(
            "compare.html.j2",
            title="Compare",
            all_keys=state.registry.keys(),
            keys=keys,
            ts=ts,
            grid=grid,
            chart=chart,
            errors=errors,
        )

    @app.get("/cases/{key}/history", response_class=HTMLResponse, include_in_schema=False)
    def history_page(key: str) -> Any:
        loaded = state.registry.loaded(key)
        rows, error = [], None
        try:
            from ..store import Store

            store = Store(state.db) if state.db else Store()
            h = store.history(loaded.case.id)
            rows = h.to_dict("records") if not h.empty else []
            where = str(store.path)
        except (AnchorvalError, ImportError) as exc:
            error, where = str(exc), ""
        return page(
            "history.html.j2",
            title=f"{loaded.case.company.name}: history",
            key=key,
            case=loaded.case,
            rows=rows,
            error=error,
            where=where,
        )

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page() -> Any:
        spec = app.openapi()
        ops = [
            (method.upper(), path, op.get("summary", ""), op.get("description", ""), op.get("parameters", []))
            for path, item in spec["paths"].items()
            for method, op in item.items()
        ]
        return page("docs.html.j2", title="JSON API", ops=ops, version=spec["info"]["version"])

    # -- JSON API ------------------------------------------------------------------------------
    @app.get(f"{API_PREFIX}/cases", summary="List the cases (bundled, --cases folder, uploads)")
    def api_cases() -> Any:
        """Rows as ``anchorval cases --format json``: id, company, status, as_of, currency."""
        state.registry.refresh()
        out = []
        for e in state.registry.entries():
            if e.case is None:
                continue
            c = e.case
            out.append(
                {
                    "id": e.key,
                    "company": c.company.name,
                    "status": c.company.status,
                    "as_of": c.as_of.isoformat(),
                    "currency": c.report_currency,
                }
            )
        return out

    @app.get(f"{API_PREFIX}/cases/{{key}}", summary="Value a case as filed (anchorval value --format json)")
    def api_value(key: str) -> Any:
        """Return the ``anchorval.triangulation/1`` JSON of ``anchorval value <case> --format json``."""
        return state.filed(key).to_dict()

    @app.post(f"{API_PREFIX}/cases/{{key}}/value", summary="Value a case with what-if overrides")
    def api_value_overrides(
        key: str,
        overrides: dict[str, Any] = Body(default_factory=dict, examples=[{"arr_multiple.share": "50%"}]),
        currency: str | None = Body(default=None),
        weights: dict[str, float] | None = Body(default=None),
        anchors: list[str] | None = Body(default=None),
    ) -> Any:
        """Return the ``anchorval.triangulation/1`` JSON; overridden figures cite ``what-if``.

        Body: ``overrides`` (figure path -> value, a bare number in the filed unit, or text with
        its unit: ``'50%'``, ``'1400 USDT'``), optional ``currency``, ``weights``, ``anchors``.
        """
        return state.what_if(key, overrides, currency=currency, weights=weights, anchors=anchors).to_dict()

    @app.get(f"{API_PREFIX}/cases/{{key}}/market", summary="Market structure (anchorval market --format json)")
    def api_market(
        key: str,
        tracking_assets: str = "",
        adv: str = "",
        target_ps: str = "",
        fundamental: str = "",
        structural_share: str = "",
        by: str = "",
    ) -> Any:
        """Return the ``anchorval.market/1`` JSON; options as the CLI's (tracking_assets comma-separated)."""
        inputs = {
            "tracking_assets": tracking_assets,
            "adv": adv,
            "target_ps": target_ps,
            "fundamental": fundamental,
            "structural_share": structural_share,
            "by": by,
        }
        return market(state, key, inputs).to_dict()

    @app.post(f"{API_PREFIX}/cases/{{key}}/simulate", status_code=202, summary="Start a Monte Carlo run")
    def api_simulate(
        key: str,
        draws: int | str = Body(default=200_000),
        seed: int | None = Body(default=None),
        thresholds: list[str] = Body(default_factory=list),
    ) -> Any:
        """Return the job (poll ``/api/v1/jobs/{job}``); its ``result`` is ``simulate --format json``."""
        return start_simulation(state, key, str(draws), seed, thresholds).to_dict()

    @app.get(f"{API_PREFIX}/jobs/{{job_id}}", summary="Poll a simulation job")
    def api_job(job_id: str) -> Any:
        """Status ``running``, ``done``, ``cancelled`` or ``error``; ``done``/``draws`` give progress."""
        try:
            return state.jobs.get(job_id).to_dict()
        except KeyError as exc:
            return JSONResponse({"error": error_text(exc)}, status_code=404)

    @app.delete(f"{API_PREFIX}/jobs/{{job_id}}", summary="Cancel a simulation job")
    def api_job_cancel(job_id: str) -> Any:
        """Stop the run at its next chunk of draws."""
        try:
            return state.jobs.cancel(job_id).to_dict()
        except KeyError as exc:
            return JSONResponse({"error": error_text(exc)}, status_code=404)

    @app.post(f"{API_PREFIX}/cases", status_code=201, summary="Upload a case file (kept in memory)")
    async def api_upload(file: UploadFile = File(...)) -> Any:
        """Validate as ``anchorval value`` validates a file; a bad file gives one line with file, line and field."""
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        e = state.registry.add_upload(data, file.filename or "upload.yaml")
        return {"id": e.key}

    return app
