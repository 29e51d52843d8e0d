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
#: Longest error line printed (a 1 MB value in a case file is not echoed whole).
MAX_ERROR_CHARS = 400


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


def one_line(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    r"""Make text safe to print as one terminal line.

    Control characters (terminal escape sequences, bidi overrides) become visible ``\xNN`` /
    ``\uNNNN`` escapes, line breaks a space, and text past ``limit`` characters is cut with a note
    of how much.

    Parameters
    ----------
    text : str
        Any text, e.g. an error message quoting a case file.
    limit : int
        Characters kept.

    Returns
    -------
    str

    Examples
    --------
    >>> one_line("bad name \x1b[2J\nnext")
    'bad name \\x1b[2J next'
    >>> one_line("x" * 10, limit=4)
    'xxxx... (6 more characters)'
    """
    import re

    def esc(m: re.Match[str]) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}"

    flat = re.sub(r"[\r\n]+", " ", text)
    flat = re.sub(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", esc, flat)
    if len(flat) > limit:
        flat = f"{flat[:limit]}... ({len(flat) - limit:,} more characters)"
    return flat


def fail(message: str) -> typer.Exit:
    """Print one sanitised line on stderr and return the Exit(2) to raise."""
    typer.echo(f"error: {one_line(message)}", err=True)
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
    """Return the rich console commands print to: case text is printed as plain text, never markup.

    See :func:`anchorval.report._base.make_console` (imported lazily).
    """
    from ..report._base import make_console

    return make_console(stderr=stderr)


def write_text(path: str, text: str) -> None:
    """Write a report file atomically (a failed write never leaves half a file)."""
    import errno
    import os
    import tempfile
    from pathlib import Path

    if not str(path).strip():
        raise FileNotFoundError(errno.ENOENT, "an output path is empty", "''")
    p = Path(path)
    if p.is_dir():  # os.replace would fail naming the temporary file, not the report path
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(p))
    if not p.parent.is_dir():  # never create directories the user did not ask for
        raise FileNotFoundError(errno.ENOENT, f"directory {str(p.parent)!r} does not exist", str(p))
    try:
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    except OSError as exc:  # name the report path, not the temporary file
        raise OSError(exc.errno, exc.strerror, str(p)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, p)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise OSError(exc.errno, exc.strerror, str(p)) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def stdout_is_tty() -> bool:
    """Return True when stdout is a terminal."""
    return sys.stdout.isatty()
