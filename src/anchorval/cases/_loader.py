"""Load and validate case files (YAML 1.2 via ruamel.yaml); errors carry file:line and field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain import Case
from ..errors import MSG_UNKNOWN_CASE, CaseError, UnknownCaseError
from ..money import FxTable

__all__ = ["LoadedCase", "bundled_case_ids", "load_case", "parse_case_text", "resolve_case"]

_BUNDLED_PACKAGE = "anchorval.cases"


@dataclass(frozen=True)
class LoadedCase:
    """A case with the peer cases it references, resolved.

    Attributes
    ----------
    case : Case
        The case itself.
    peers : dict of str to Case
        Peer cases by id (transitively resolved).
    origin : str
        File path or ``'bundled:<id>'``.
    """

    case: Case
    peers: Mapping[str, Case] = field(default_factory=dict)
    origin: str = ""

    @cached_property
    def fx(self) -> FxTable:
        """The case's FX table: its own rates, then its peers', then the ECB default.

        Built on first use and kept, so that every consumer of one loaded case (valuation,
        market structure, DCF, simulation thresholds) reads the same table.

        Returns
        -------
        FxTable

        Examples
        --------
        >>> from datetime import date
        >>> lc = resolve_case("anthropic-2026-06")
        >>> lc.fx is lc.fx  # one table per loaded case
        True
        >>> lc.fx.rate("USDT", "USD", date(2026, 6, 22)).assumption  # no USDT rate in the case
        True
        """
        rates = [r.to_rate() for r in self.case.fx_rates]
        for p in self.peers.values():
            rates += [r.to_rate() for r in p.fx_rates]
        return FxTable(overrides=rates)


def bundled_case_ids() -> list[str]:
    """Return the ids of the cases shipped with anchorval, sorted.

    Returns
    -------
    list of str
    """
    root = resources.files(_BUNDLED_PACKAGE)
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def _bundled_text(case_id: str) -> str | None:
    res = resources.files(_BUNDLED_PACKAGE).joinpath(f"{case_id}.yaml")
    return res.read_text(encoding="utf-8") if res.is_file() else None


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """Best line (1-based) for a pydantic error location inside a ruamel node tree."""
    line: int | None = None
    for key in loc:
        try:
            if hasattr(node, "lc") and isinstance(node, dict) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif hasattr(node, "lc") and isinstance(node, list) and isinstance(key, int):
                if key < len(node):
                    line = node.lc.item(key)[0] + 1
                    node = node[key]
                else:
                    break
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for k in loc:
        if isinstance(k, int):
            out += f"[{k}]"
        else:
            out += ("." if out else "") + str(k)
    return out


def _plain(node: Any) -> Any:
    """Convert ruamel round-trip nodes into plain dicts/lists/scalars."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _clean_msg(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg


def parse_case_text(text: str, origin: str = "<string>") -> Case:
    """Parse and validate one case from YAML text.

    Parameters
    ----------
    text : str
        YAML 1.2 document.
    origin : str
        File name used in error messages.

    Returns
    -------
    Case

    Raises
    ------
    CaseError
        With file, line and field path, for malformed YAML or invalid content.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise CaseError(
            f"malformed YAML: {exc.problem or exc.context}", file=origin, line=line
        ) from None
    except YAMLError as exc:
        raise CaseError(f"malformed YAML: {exc}", file=origin) from None
    if not isinstance(doc, dict):
        raise CaseError("a case file must be a YAML mapping at the top level", file=origin, line=1)
    try:
        return Case.model_validate(_plain(doc))
    except ValidationError as exc:
        errs = exc.errors()
        err = errs[0]
        loc = tuple(err["loc"])
        msg = _clean_msg(err["msg"])
        if err["type"] == "missing":
            msg = "required field is missing"
            line = _line_of(doc, loc[:-1]) or 1
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling)"
            line = _line_of(doc, loc)
        else:
            line = _line_of(doc, loc)
        field_path = _loc_text(loc)
        # a model-level validator reports "path: message"; lift the path into the field
        if not loc and ": " in msg:
            field_path, msg = msg.split(": ", 1)
            line = _line_of(doc, _path_to_loc(field_path))
        if len(errs) > 1:
            msg += f" (and {len(errs) - 1} more error{'s' if len(errs) > 2 else ''})"
        raise CaseError(msg, file=origin, line=line, field=field_path or None) from None


def _path_to_loc(path: str) -> tuple[Any, ...]:
    loc: list[Any] = []
    for part in path.replace("]", "").split("."):
        for j, piece in enumerate(part.split("[")):
            loc.append(int(piece) if j else piece)
    return tuple(loc)


def _read(ref: str | Path, base_dir: Path | None) -> tuple[str, str]:
    p = Path(ref)
    candidates = [p] if p.suffix in (".yaml", ".yml") or p.exists() else []
    if base_dir is not None and not p.is_absolute():
        candidates += [base_dir / f"{ref}.yaml", base_dir / str(ref)]
    for c in candidates:
        if c.is_file():
            try:
                return c.read_text(encoding="utf-8"), str(c)
            except UnicodeDecodeError:
                raise CaseError("file is not UTF-8 text", file=str(c)) from None
            except OSError as exc:
                raise CaseError(f"cannot read file: {exc.strerror}", file=str(c)) from None
    text = _bundled_text(str(ref))
    if text is not None:
        return text, f"bundled:{ref}"
    raise UnknownCaseError(MSG_UNKNOWN_CASE.format(name=str(ref), known=", ".join(bundled_case_ids())))


def resolve_case(ref: str | Path | Case, peers: Mapping[str, Case] | None = None) -> LoadedCase:
    """Load a case and, transitively, the peer cases it references.

    Parameters
    ----------
    ref : str, Path or Case
        A file path, a bundled case id (see :func:`bundled_case_ids`), or a Case built in code.
        Peer ids resolve to a file ``<id>.yaml`` next to the case file, then to bundled cases.
    peers : mapping of str to Case, optional
        Peer cases supplied in code; they win over files.

    Returns
    -------
    LoadedCase

    Raises
    ------
    UnknownCaseError
        If a case or peer id names neither a file nor a bundled case.
    CaseError
        If a file is malformed or invalid, or peers reference each other in a cycle.
    """
    found: dict[str, Case] = dict(peers or {})
    if isinstance(ref, Case):
        case, origin, base_dir = ref, f"<code:{ref.id}>", None
    else:
        text, origin = _read(ref, None)
        case = parse_case_text(text, origin)
        base_dir = None if origin.startswith("bundled:") else Path(origin).parent
    chain = [case.id]
    cur = case
    while cur.peer is not None:
        pid = cur.peer.case
        if pid in chain:
            raise CaseError(f"peer cycle: {' -> '.join([*chain, pid])}", file=origin, field="peer.case")
        if pid not in found:
            text, porigin = _read(pid, base_dir)
            found[pid] = parse_case_text(text, porigin)
        chain.append(pid)
        cur = found[pid]
    return LoadedCase(case=case, peers=found, origin=origin)


def load_case(ref: str | Path | Case) -> Case:
    """Load and validate one case (without resolving peers).

    Parameters
    ----------
    ref : str, Path or Case
        A file path or a bundled case id.

    Returns
    -------
    Case

    Raises
    ------
    UnknownCaseError, CaseError
        As :func:`resolve_case`.

    Examples
    --------
    >>> load_case("anthropic-2026-06").company.name
    'Anthropic'
    """
    return resolve_case(ref).case
