"""The public API is a tested contract: __all__ sorted (classes first, as ruff's RUF022) and
complete."""

from __future__ import annotations

import inspect

import storyline


def test_all_is_sorted_and_complete() -> None:
    public = sorted(
        name
        for name, value in vars(storyline).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    )
    assert storyline.__all__ == sorted(storyline.__all__)
    assert storyline.__all__ == public
