"""Publication dates as day numbers: what the linking windows (duplicates, quote pairs) measure."""

from __future__ import annotations

from datetime import date


def day_number(published: str | None) -> int | None:
    """The day number (proleptic ordinal) of an ISO date or datetime; None when undated or
    unreadable."""
    try:
        return date.fromisoformat((published or "")[:10]).toordinal()
    except ValueError:
        return None
