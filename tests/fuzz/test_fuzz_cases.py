"""Fuzz the case loader and the commands with mutated case files.

The contract, for every input: exit 0, or exit 2 with one line ``error: ...`` that names the file
(or, for a command that needs figures the case lacks, the case id); never a traceback; bounded time
and memory. The fast profile (a few hundred examples) runs in CI; the long profile
(``pytest -m fuzz_long tests/fuzz``, 10,000 examples, ``ANCHORVAL_FUZZ_EXAMPLES`` to change) is
documented in docs/security.md.
"""

from __future__ import annotations

import os
import resource
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from anchorval.cli import app

from ._mutate import RAW_HOSTILE, tree_mutation

runner = CliRunner()

COMMANDS = {
    "value": ["value"],
    "market": ["market"],
    "simulate": ["simulate", "--draws", "2000", "--seed", "1"],
    "dcf": ["dcf"],
}
#: Bounds of the contract (long profile: per run; fast profile: the same, checked loosely).
MAX_SECONDS = 10.0
MAX_RSS_BYTES = 1 << 30


def _case_id(path: Path) -> str | None:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("id: "):
            return line[4:].strip().strip("'\"")
    return None


def run_contract(command: str, path: Path) -> str:
    """Run one command on one file and check the contract; return the outcome label."""
    case_id = _case_id(path)
    # CPU seconds, not wall time: the bound is on the work a file causes, not on how busy the
    # shared machine is (threads' CPU time counts too)
    t0 = time.process_time()
    res = runner.invoke(app, [*COMMANDS[command], str(path)])
    elapsed = time.process_time() - t0
    assert elapsed < MAX_SECONDS, (command, path, elapsed)
    assert res.exception is None or isinstance(res.exception, SystemExit), (command, repr(res.exception))
    assert "Traceback" not in res.output
    if res.exit_code == 0:
        return "ok"
    assert res.exit_code == 2, (command, res.exit_code, res.output[-2000:])
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1, (command, err[:2000])
    assert err.startswith("error: "), err[:500]
    assert len(err) < 2000, f"error line not truncated: {len(err)} chars"
    assert str(path) in err or (case_id and repr(case_id) in err), (command, err[:500])
    return "error"


@pytest.mark.parametrize("name", sorted(RAW_HOSTILE))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_hostile_files_follow_the_contract(tmp_path, name, command):
    p = tmp_path / "case.yaml"
    p.write_text(RAW_HOSTILE[name], encoding="utf-8")
    outcome = run_contract(command, p)
    if name in ("alias bomb", "deep nesting", "deep mapping nesting", "long integer", "NUL byte", "huge value"):
        assert outcome == "error"


_OUTCOMES: Counter[str] = Counter()


def _fuzz(tmp_path_factory, command, text):
    d = tmp_path_factory.mktemp("fuzz")
    p = d / "case.yaml"
    p.write_text(text, encoding="utf-8")
    _OUTCOMES[f"{command}:{run_contract(command, p)}"] += 1


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(sorted(COMMANDS)), text=tree_mutation())
def test_mutated_cases_follow_the_contract(tmp_path_factory, command, text):
    _fuzz(tmp_path_factory, command, text)


@pytest.mark.fuzz_long
@pytest.mark.timeout(0)  # the whole profile runs for minutes; each run is bounded by MAX_SECONDS
@settings(
    max_examples=int(os.environ.get("ANCHORVAL_FUZZ_EXAMPLES", "10000")),
    suppress_health_check=list(HealthCheck),
)
@given(command=st.sampled_from(sorted(COMMANDS)), text=tree_mutation())
def test_mutated_cases_long(tmp_path_factory, command, text):
    _fuzz(tmp_path_factory, command, text)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert rss < MAX_RSS_BYTES, rss


def teardown_module(module):
    if _OUTCOMES:
        print("\nfuzz outcomes:", dict(sorted(_OUTCOMES.items())))
