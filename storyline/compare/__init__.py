"""Per-story comparison: event dates, timelines (later: claims, conflicts, framing)."""
