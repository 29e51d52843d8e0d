"""The Monte Carlo engine: fixed-size seeded blocks, processed in chunks on a thread pool.

Reproducibility contract: draw ``i`` belongs to block ``i // BLOCK``; block ``b`` draws from
``Generator(PCG64(SeedSequence(seed, spawn_key=(b,))))``, which is the ``b``-th child that
``SeedSequence(seed).spawn`` would give. Chunks are groups of whole blocks handed to threads; per
block sums are stored at the block's index and added in block order, histogram and threshold
counts are integers, so the result is identical whatever the chunk size and thread count.
Memory is bounded by (threads x block x inputs) floats plus one histogram per output.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import numpy as np

from ._models import SimModel
from ._results import InputSummary, OutputStats, SimulationResult
from ._sketch import Sketch

__all__ = ["BLOCK", "DEFAULT_CHUNK", "QUANTILE_LEVELS", "block_rng", "run_simulation"]

#: Draws per seeded block (the unit of the random stream; independent of chunking).
BLOCK = 1 << 16
#: Default draws per chunk handed to a thread (rounded to whole blocks).
DEFAULT_CHUNK = 1 << 20
#: Percentile levels computed for every output (decimals).
QUANTILE_LEVELS = (0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99)


def block_rng(seed: int, block: int) -> np.random.Generator:
    """Return block ``block``'s generator: ``PCG64(SeedSequence(seed, spawn_key=(block,)))``.

    The same draws as ``SeedSequence(seed).spawn(block + 1)[block]`` (numpy's documented
    spawning), so a block's numbers depend only on the seed and the block index, not on threads.

    Parameters
    ----------
    seed : int
        Run seed (non-negative).
    block : int
        Block index (>= 0); block ``b`` covers draws ``b x BLOCK`` to ``(b + 1) x BLOCK - 1``.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    ValueError
        From numpy, if ``seed`` or ``block`` is negative.
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def default_threads() -> int:
    """Cores this process may use.

    Returns
    -------
    int
        ``len(os.sched_getaffinity(0))`` (or ``os.cpu_count()`` off Linux), at least 1.
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_simulation(
    model: SimModel,
    draws: int,
    seed: int | None = None,
    thresholds: Sequence[float] = (),
    chunk_size: int = DEFAULT_CHUNK,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate a model's outputs over ``draws`` scenarios with streaming statistics.

    Parameters
    ----------
    model : SimModel
        A :class:`~anchorval.uncertainty.CaseModel` or :class:`~anchorval.uncertainty.FunctionModel`.
    draws : int
        Number of scenarios (>= 1).
    seed : int, optional
        Seed; ``None`` draws fresh entropy (reported in the result so the run can be repeated).
    thresholds : sequence of float
        Values (totals, output unit) for P(output > threshold).
    chunk_size : int
        Draws per chunk handed to a thread (rounded up to whole blocks of :data:`BLOCK`);
        does not change the numbers.
    threads : int, optional
        Worker threads (default: the cores available); does not change the numbers.
    progress : callable, optional
        Called on the calling thread with the number of draws finished so far.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ModelInputError
        (a ``ValueError``) If ``draws < 1``, ``chunk_size < 1``, ``threads < 1`` or
        ``seed < 0``.

    Examples
    --------
    >>> from anchorval.uncertainty import FunctionModel, Uniform, run_simulation
    >>> m = FunctionModel(lambda a: 3 * a, {"a": Uniform(0, 2)})
    >>> r = run_simulation(m, 100_000, seed=1)
    >>> round(r.outputs["y"].mean, 1)
    3.0
    """
    from ..errors import ModelInputError

    if draws < 1:
        raise ModelInputError("draws", f"must be at least 1, got {draws}")
    if chunk_size < 1:
        raise ModelInputError("chunk_size", f"must be at least 1, got {chunk_size}")
    threads = threads or default_threads()
    if threads < 1:
        raise ModelInputError("threads", f"must be at least 1, got {threads}")
    if seed is not None and seed < 0:
        raise ModelInputError("seed", f"must be a non-negative integer, got {seed}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy) % (1 << 63)
    t0 = time.perf_counter()
    n_blocks = math.ceil(draws / BLOCK)
    per_chunk = max(1, math.ceil(chunk_size / BLOCK))
    thr = tuple(float(t) for t in thresholds)
    thr_arr = np.asarray(thr, dtype=float)
    outs = model.outputs

    # pilot: block 0 (part of the stream) fixes each sketch's range and the centring shift
    y0 = model.evaluate(model.sample(block_rng(seed, 0), min(BLOCK, draws)))
    sketches = {k: Sketch.from_pilot(np.atleast_1d(np.asarray(y0[k], dtype=float))) for k in outs}
    shift = {k: float(np.mean(y0[k])) for k in outs}
    s1 = {k: np.zeros(n_blocks) for k in outs}
    s2 = {k: np.zeros(n_blocks) for k in outs}
    vmin = {k: np.full(n_blocks, np.inf) for k in outs}
    vmax = {k: np.full(n_blocks, -np.inf) for k in outs}
    above = {k: np.zeros((n_blocks, len(thr)), dtype=np.int64) for k in outs}
    hist = {k: np.zeros(sketches[k].nbins + 2, dtype=np.int64) for k in outs}

    def run_chunk(b0: int, b1: int) -> tuple[int, dict[str, np.ndarray]]:
        local = {k: np.zeros(sketches[k].nbins + 2, dtype=np.int64) for k in outs}
        done = 0
        for b in range(b0, b1):
            n = min(BLOCK, draws - b * BLOCK)
            y = model.evaluate(model.sample(block_rng(seed, b), n))
            for k in outs:
                v = y[k]
                sk = sketches[k]
                if np.ndim(v) == 0:
                    v = float(v)
                    local[k][sk.index(np.asarray([v]))[0]] += n
                    d = v - shift[k]
                    s1[k][b], s2[k][b] = n * d, n * d * d
                    vmin[k][b] = vmax[k][b] = v
                    above[k][b] = n * (v > thr_arr)
                    continue
                local[k] += sk.counts(v)
                vmin[k][b], vmax[k][b] = v.min(), v.max()
                for j, t in enumerate(thr):
                    above[k][b, j] = np.count_nonzero(v > t)
                d = v - shift[k]
                s1[k][b] = d.sum()
                np.square(d, out=d)
                s2[k][b] = d.sum()
            done += n
        return done, local

    chunks = [(b, min(b + per_chunk, n_blocks)) for b in range(0, n_blocks, per_chunk)]
    finished = 0
    if threads == 1 or len(chunks) == 1:
        for b0, b1 in chunks:
            n, local = run_chunk(b0, b1)
            for k in outs:
                hist[k] += local[k]
            finished += n
            if progress:
                progress(finished)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            pending: set[Future[tuple[int, dict[str, np.ndarray]]]] = set()
            it = iter(chunks)
            for _ in range(2 * threads):
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(pool.submit(run_chunk, *nxt))
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    n, local = f.result()
                    for k in outs:
                        hist[k] += local[k]
                    finished += n
                    if progress:
                        progress(finished)
                    nxt = next(it, None)
                    if nxt is not None:
                        pending.add(pool.submit(run_chunk, *nxt))

    levels = np.asarray(QUANTILE_LEVELS)
    stats: dict[str, OutputStats] = {}
    for k in outs:
        a1, a2 = math.fsum(s1[k]), math.fsum(s2[k])
        mean = shift[k] + a1 / draws
        var = max(a2 - a1 * a1 / draws, 0.0) / (draws - 1) if draws > 1 else 0.0
        mn, mx = float(vmin[k].min()), float(vmax[k].max())
        sk = sketches[k]
        qv = sk.quantiles(hist[k], levels, mn, mx)
        lo, hi = sk.quantiles(hist[k], np.asarray([0.005, 0.995]), mn, mx)
        if hi <= lo:
            lo, hi = (lo * 0.99, lo * 1.01) if lo > 0 else (lo - 1, lo + 1)
        edges, counts = sk.coarse(hist[k], lo, hi)
        tot = above[k].sum(axis=0)
        stats[k] = OutputStats(
            key=k,
            title=model.titles.get(k, k),
            n=draws,
            base=model.bases.get(k, float("nan")),
            mean=mean,
            std=math.sqrt(var),
            min=mn,
            max=mx,
            quantiles={float(q): float(v) for q, v in zip(levels, qv, strict=True)},
            p_above={t: int(c) / draws for t, c in zip(thr, tot, strict=True)},
            hist_edges=tuple(float(e) for e in edges),
            hist_counts=tuple(int(c) for c in counts),
        )
    inputs = tuple(
        InputSummary(
            path=v.path,
            unit=v.unit,
            base=v.base,
            distribution=v.dist.describe(),
            stated=v.stated,
            assumption=v.assumption,
            note=v.note,
            source=v.source,
            p10=v.dist.quantile(0.10),
            p50=v.dist.quantile(0.50),
            p90=v.dist.quantile(0.90),
        )
        for v in model.inputs.values()
    )
    return SimulationResult(
        case_id=getattr(model, "case_id", ""),
        company=getattr(model, "company", ""),
        as_of=getattr(model, "as_of", None),
        currency=model.currency,
        draws=draws,
        seed=seed,
        outputs=stats,
        inputs=inputs,
        assumptions=model.assumptions,
        correlated=model.correlation[0] if model.correlation else (),
        thresholds=thr,
        weights=dict(getattr(model, "weights", {})),
        elapsed=time.perf_counter() - t0,
        threads=threads,
        chunk_size=per_chunk * BLOCK,
    )
