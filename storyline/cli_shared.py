"""What the CLI's commands share: the store context, `--json`, the consoles and `--steps`.

A module of its own, not cli.py: cli.py imports every command module to register it, so
command modules that imported cli.py would import each other in a circle.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from storyline.store.db import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])
# Tables need room: use the terminal's width, or 160 columns when output is piped or logged.
_WIDTH = shutil.get_terminal_size((160, 40)).columns
err_console = Console(stderr=True, width=_WIDTH)
out_console = Console(width=_WIDTH)


def json_out(data: Any) -> None:
    """Print `data` as indented JSON on stdout (dates, paths and the like as strings)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def json_option(f: F) -> F:
    """`--json`: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


class Ctx:
    """Shared command state: where the store is."""

    def __init__(self, db: str | None) -> None:
        self.db = db

    def store(self) -> Store:
        return open_store(self.db)


def parse_steps(value: str) -> tuple[str, ...]:
    """The pipeline steps a `--steps` list names; a usage error for unknown ones or no clean."""
    from storyline.pipeline import STEPS

    steps = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [s for s in steps if s not in STEPS]
    if unknown or "clean" not in steps:
        raise click.BadParameter(f"choose from {', '.join(STEPS)} (clean is always needed)")
    return steps
