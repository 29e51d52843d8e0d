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

#: Limits on one case file (docs/security.md). Bundled cases are ~10 KB, ~1,000 nodes, depth 8.
MAX_CASE_BYTES = 1_000_000
#: YAML nodes after alias expansion (a "billion laughs" file is refused, not expanded).
MAX_CASE_NODES = 200_000
#: Nesting depth of mappings and lists.
MAX_CASE_DEPTH = 64
#: Digits in one integer literal (Python refuses int() of more than 4,300).
MAX_INT_DIGITS = 400


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


def _plain(node: Any, origin: str = "<string>") -> Any:
    """Convert ruamel round-trip nodes into plain dicts/lists/scalars, within the limits.

    Aliases are expanded as they are met, so the node budget (:data:`MAX_CASE_NODES`) and the
    depth limit (:data:`MAX_CASE_DEPTH`) bound the work an alias bomb or deep nesting can cause.

    Raises
    ------
    CaseError
        When the expanded document exceeds the node budget or the depth limit (naming the line).
    """
    from ruamel.yaml.comments import TaggedScalar
    from ruamel.yaml.scalarstring import ScalarString

    budget = [MAX_CASE_NODES]

    def conv(n: Any, depth: int, line: int | None) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise CaseError(
                f"too many YAML nodes after alias expansion (limit {MAX_CASE_NODES:,}): an alias bomb?",
                file=origin,
                line=line,
            )
        if depth > MAX_CASE_DEPTH:
            raise CaseError(f"nesting deeper than {MAX_CASE_DEPTH} levels", file=origin, line=line)
        if isinstance(n, dict):
            out = {}
            for k, v in n.items():
                kl = _item_line(n, k, line)
                out[str(k)] = conv(v, depth + 1, kl)
            return out
        if isinstance(n, list):
            return [conv(v, depth + 1, _item_line(n, i, line)) for i, v in enumerate(n)]
        if isinstance(n, TaggedScalar):  # e.g. an unknown local tag: keep the text, drop the tag
            return str(n.value)
        if isinstance(n, ScalarString):  # ``!!str 1e9``, quoted and block strings: plain str
            return str(n)
        return n

    return conv(node, 0, 1)


def _item_line(node: Any, key: Any, default: int | None) -> int | None:
    try:
        return (node.lc.key(key) if isinstance(node, dict) else node.lc.item(key))[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return default


def _guard_text(text: str, origin: str) -> None:
    """Refuse a case file that is too large or holds control characters or huge integers.

    Raises
    ------
    CaseError
        Naming the file and, where there is one, the line.
    """
    import re

    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_CASE_BYTES:
        raise CaseError(f"file is {size:,} bytes; case files are limited to {MAX_CASE_BYTES:,} bytes", file=origin)
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CaseError(
            f"control character U+{ord(bad.group()):04X} in the file (case files are text)", file=origin, line=line
        )
    long_int = re.search(rf"\d{{{MAX_INT_DIGITS + 1},}}", text)
    if long_int:
        line = text.count("\n", 0, long_int.start()) + 1
        raise CaseError(f"a number with more than {MAX_INT_DIGITS} digits", file=origin, line=line)


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

    _guard_text(text, origin)
    yaml = YAML(typ="rt")
    try:
        doc = yaml.load(text)
    except RecursionError:
        raise CaseError(f"nesting deeper than {MAX_CASE_DEPTH} levels", file=origin) from None
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
    data = _plain(doc, origin)
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        # every error, unknown (misspelled) fields first: they often explain the others
        errs = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        found = [_located(doc, e) for e in errs]
        line, field_path, msg = found[0]
        others = [f"{f or '(case)'} (line {ln}): {m}" if ln else f"{f or '(case)'}: {m}" for ln, f, m in found[1:]]
        if others:
            msg += f"; and {len(others)} more: " + "; ".join(others)
        raise CaseError(msg, file=origin, line=line, field=field_path or None) from None


def _located(doc: Any, err: Any) -> tuple[int | None, str, str]:
    """(line, field path, message) of one pydantic error inside the ruamel document."""
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
    return line, field_path, msg


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
    texts: dict[str, tuple[str, str]] = {}  # case id -> (text, origin), to point at peer.case
    if isinstance(ref, Case):
        case, origin, base_dir = ref, f"<code:{ref.id}>", None
    else:
        text, origin = _read(ref, None)
        case = parse_case_text(text, origin)
        texts[case.id] = (text, origin)
        base_dir = None if origin.startswith("bundled:") else Path(origin).parent
    chain = [case.id]
    cur = case
    while cur.peer is not None:
        pid = cur.peer.case
        ctext, corigin = texts.get(cur.id, ("", origin))
        if pid in chain:
            raise CaseError(
                f"peer cycle: {' -> '.join([*chain, pid])}",
                file=corigin,
                line=_peer_line(ctext),
                field="peer.case",
            )
        if pid not in found:
            try:
                text, porigin = _read(pid, base_dir)
            except UnknownCaseError:
                raise CaseError(
                    f"peer case {pid!r} not found: no {pid}.yaml beside the case file and no bundled case "
                    f"of that id (bundled: {', '.join(bundled_case_ids())})",
                    file=corigin,
                    line=_peer_line(ctext),
                    field="peer.case",
                ) from None
            found[pid] = parse_case_text(text, porigin)
            texts[pid] = (text, porigin)
        chain.append(pid)
        cur = found[pid]
    return LoadedCase(case=case, peers=found, origin=origin)


def _peer_line(text: str) -> int | None:
    """Line of ``peer.case`` in a case file's text (re-read only when reporting an error)."""
    if not text:
        return None
    from ruamel.yaml import YAML

    try:
        return _line_of(YAML(typ="rt").load(text), ("peer", "case"))
    except Exception:  # the file parsed once already; a line number is a courtesy
        return None


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
