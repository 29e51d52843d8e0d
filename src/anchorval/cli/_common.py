"""Shared CLI plumbing: error mapping (exit code 2, one line, no traceback) and output options."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code for bad input and every other AnchorvalError.
EXIT_BAD_INPUT = 2


class OutputFormat(StrEnum):
    """Shared ``--format`` choices."""

    table = "table"
    json = "json"
    markdown = "markdown"


FORMAT_OPTION = typer.Option(
    OutputFormat.table,
    "--format",
    "-f",
    help=(
        "Output: table (terminal), json (stable keys; value's in"
        " docs/json.md, market's and simulate's in docs/market.md and docs/simulate.md)"
        " or markdown."
    ),
)


def fail(message: str) -> typer.Exit:
    """Print one line on stderr and return the Exit(2) to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def handle_errors(fn: F) -> F:
    """Turn AnchorvalError (and a missing file) into one stderr line and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import AnchorvalError

        try:
            return fn(*args, **kwargs)
        except AnchorvalError as exc:
            raise fail(str(exc)) from None
        except KeyError as exc:  # unknown anchor keys etc. carry a full message
            raise fail(str(exc.args[0]) if exc.args else repr(exc)) from None
        except OSError as exc:
            raise fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}") from None

    return wrapper  # type: ignore[return-value]


def console(stderr: bool = False) -> Any:
    """Return a rich console (imported lazily)."""
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False)


def write_text(path: str, text: str) -> None:
    """Write a report file atomically (a failed write never leaves half a file)."""
    import errno
    import os
    import tempfile
    from pathlib import Path

    p = Path(path)
    if p.is_dir():  # os.replace would fail naming the temporary file, not the report path
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(p))
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def stdout_is_tty() -> bool:
    """Return True when stdout is a terminal."""
    return sys.stdout.isatty()
