"""The ``anchorval`` command line: a thin typer layer over :mod:`anchorval.workflows`.

Every command maps :class:`~anchorval.errors.AnchorvalError` to one line on stderr and exit code 2.
Commands live in ``_*.py`` modules and are registered here.
"""

from __future__ import annotations

from typing import Any

import typer

from ._audit import audit_cmd
from ._fundamental import dcf_cmd
from ._live import fetch_cmd, history_cmd, watch_cmd
from ._market import market_cmd
from ._simulate import sensitivity_cmd, simulate_cmd
from ._value import cases_cmd, value_cmd

app = typer.Typer(
    name="anchorval",
    help="Valuation anchors for AI companies: peer P/S, pre-IPO perps, ARR multiples, last rounds.\n\n"
    "Example: anchorval value anthropic-2026-06 --report anthropic.html",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(flag: bool) -> None:
    if flag:
        from .. import __version__

        typer.echo(f"anchorval {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Valuation anchors for AI companies."""


app.command("value")(value_cmd)
app.command("cases")(cases_cmd)
app.command("dcf")(dcf_cmd)
app.command("market")(market_cmd)
app.command("fetch")(fetch_cmd)
app.command("watch")(watch_cmd)
app.command("history")(history_cmd)
app.command("simulate")(simulate_cmd)
app.command("sensitivity")(sensitivity_cmd)
app.command("audit")(audit_cmd)


# click's UsageError (typer may vendor click; reach the class through typer's public BadParameter)
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def _show_usage_error(self: Any, file: object = None) -> None:
    """Print a usage error as one line on stderr (click prints a four-line usage block)."""
    msg = self.format_message().replace("Value error, ", "")
    cmd = self.ctx.command_path if self.ctx is not None else "anchorval"
    typer.echo(f"error: {msg} (see '{cmd} --help')", err=True)


_UsageError.show = _show_usage_error


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
