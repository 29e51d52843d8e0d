"""Mutations of the bundled case files for the fuzz suite (hypothesis strategies).

A mutation works on the parsed YAML tree (drop, rename, retype a key; extreme numbers; bad
currencies and dates; unicode and control text; huge strings) or on the raw text (alias bombs,
deep nesting, NUL bytes, long integer literals). Every mutated file is dumped to YAML text and
handed to the command line as a file, exactly as a user would.
"""

from __future__ import annotations

import io
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

from anchorval.cases import bundled_case_ids
from anchorval.cases._loader import _bundled_text

CASE_IDS = sorted(bundled_case_ids())

EXTREME_NUMBERS = [
    "0",
    "-1",
    "-1e9",
    "1e400",
    "-1e400",
    "1e-400",
    "nan",
    "inf",
    "-inf",
    ".nan",
    ".inf",
    "1" * 5000,
    "0.0000000000000000000000001",
    "1e18",
    "1e30 USD",
    "0 USD",
    "-5 USD",
    "1e400 USD",
    "0%",
    "100%",
    "1e9%",
    "-50%",
    "0x",
    "1e12x",
    "1,5B",
    "¥5",
    "7.2433亿 RMB",
    "1.2万亿 HKD",
    "NaN USD",
    True,
    False,
    None,
    [],
    {},
    1e308,
    -0.0,
    10**40,
]
BAD_TEXT = [
    "",
    " ",
    "\x00",
    "\x1b[2J\x1b[H",
    "Acme [/bold] Corp",
    "[red]x[/red]",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "\u202etxt.exe",
    "ｆｕｌｌ",
    "智谱" * 50,
    "x" * 100_000,
    "line\nbreak",
    "\ud7ff",
    "%s%s%n",
    "{0}{name}",
    "../../etc/passwd",
]
BAD_CURRENCIES = ["XXX", "usdt", "US$", "¥", "RMB", "BTC", "", "USDUSD", "€"]
BAD_DATES = ["2026-02-30", "0000-01-01", "9999-12-31", "yesterday", "2026-13-01", 20260622, "2026-06-22T25:00"]


def load_tree(case_id: str) -> Any:
    """The bundled case as a plain tree (dicts, lists, scalars)."""
    return _plain(YAML(typ="safe", pure=True).load(_bundled_text(case_id)))


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


def dump(tree: Any) -> str:
    """YAML 1.2 text of a tree."""
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    buf = io.StringIO()
    y.dump(tree, buf)
    return buf.getvalue()


def _paths(tree: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(tree, dict):
        for k, v in tree.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out += _paths(v, (*prefix, i))
    return out


def _get(tree: Any, path: tuple) -> Any:
    for k in path:
        tree = tree[k]
    return tree


@st.composite
def tree_mutation(draw: st.DrawFn) -> str:
    """A bundled case with one to three structural mutations, as YAML text."""
    tree = load_tree(draw(st.sampled_from(CASE_IDS)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(tree) if p]
        path = draw(st.sampled_from(paths))
        try:
            parent = _get(tree, path[:-1])
        except (KeyError, IndexError, TypeError):
            continue
        key = path[-1]
        op = draw(st.sampled_from(["drop", "rename", "number", "text", "currency", "date", "retype", "dup"]))
        try:
            if op == "drop":
                del parent[key]
            elif op == "rename" and isinstance(parent, dict):
                parent[draw(st.sampled_from([f"{key}x", f"{key}"[:-1] or "k", key.upper(), "extra_field"]))] = (
                    parent.pop(key)
                )
            elif op == "number":
                parent[key] = draw(st.sampled_from(EXTREME_NUMBERS))
            elif op == "text":
                parent[key] = draw(st.sampled_from(BAD_TEXT))
            elif op == "currency":
                v = parent[key]
                if isinstance(v, str) and " " in v:
                    parent[key] = v.split(" ")[0] + " " + draw(st.sampled_from(BAD_CURRENCIES))
                else:
                    parent[key] = "1 " + draw(st.sampled_from(BAD_CURRENCIES))
            elif op == "date":
                parent[key] = draw(st.sampled_from(BAD_DATES))
            elif op == "retype":
                v = parent[key]
                parent[key] = [v] if not isinstance(v, list) else {"x": v}
            elif op == "dup" and isinstance(parent, list):
                parent.append(parent[key])
        except (KeyError, IndexError, TypeError):
            continue
    return dump(tree)


def alias_bomb(levels: int = 9, fan: int = 9) -> str:
    """A 'billion laughs' file: ``fan ** levels`` leaves from a few hundred bytes."""
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join(f"*a{i - 1}" for _ in range(fan))
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"id: *a{levels}")
    return "\n".join(lines) + "\n"


def deep_nesting(depth: int = 1000) -> str:
    """``id: [[[[...]]]]`` nested ``depth`` times."""
    return "id: " + "[" * depth + "]" * depth + "\n"


RAW_HOSTILE = {
    "alias bomb": alias_bomb(),
    "alias bomb in a figure": _bundled_text("anthropic-2026-06").replace(
        "company:\n",
        "x0: &x0 [1,1,1,1,1,1,1,1,1,1]\nx1: &x1 [*x0,*x0,*x0,*x0,*x0,*x0,*x0,*x0,*x0,*x0]\n"
        "x2: &x2 [*x1,*x1,*x1,*x1,*x1,*x1,*x1,*x1,*x1,*x1]\nx3: &x3 [*x2,*x2,*x2,*x2,*x2,*x2,*x2,*x2,*x2,*x2]\n"
        "x4: &x4 [*x3,*x3,*x3,*x3,*x3,*x3,*x3,*x3,*x3,*x3]\nx5: &x5 [*x4,*x4,*x4,*x4,*x4,*x4,*x4,*x4,*x4,*x4]\n"
        "company:\n",
        1,
    ),
    "deep nesting": deep_nesting(),
    "deep mapping nesting": "id: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n",
    "long integer": "id: x\nas_of: 2026-06-22\nnumber: " + "9" * 5000 + "\n",
    "NUL byte": "id: x\x00y\nas_of: 2026-06-22\n",
    "str tag": _bundled_text("anthropic-2026-06").replace("value: 1e9\n", "value: !!str 1e9\n", 1),
    "python tag": "id: !!python/object/apply:os.system ['true']\n",
    "huge value": "id: " + "x" * 1_000_000 + "\n",
    "1e400 amount": _bundled_text("anthropic-2026-06").replace("value: 965B USD", "value: 1e400 USD", 1),
    "0% share": _bundled_text("anthropic-2026-06").replace("value: 59%", "value: 0%", 1),
}
