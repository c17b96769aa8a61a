"""Shared fixtures: a temporary store, paths to the repo's examples and to ../shared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from storyline.model import RawInput
from storyline.store.db import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
TODAY = date(2026, 11, 23)  # fixed reference date: tests must not depend on the calendar


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-golden` rewrites tests/golden/ from the current output (review the diff)."""
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether to rewrite golden files instead of comparing with them."""
    return bool(request.config.getoption("--update-golden"))


def need_shared(path: Path) -> None:
    """Skip with a clear message when ../shared (seeds, evaluation sets) is not beside the repo."""
    if not path.exists():
        pytest.skip(f"{path} is absent: clone the repo next to shared/ to run this test")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store in a temporary file (WAL mode, migrated)."""
    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


def make_raw(body: str, *, source: str = "test.txt", fmt: str = "txt", **fields: str) -> RawInput:
    """A RawInput for a text (or HTML) body, with optional structured fields."""
    return RawInput(
        source=source,
        format=fmt,
        raw=body,
        body=body,  # type: ignore[arg-type]
        fields=tuple(fields.items()),
    )
