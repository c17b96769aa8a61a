"""Date conflicts: sentences of different articles on the same matter printing different days
of one month ("the election on 13 September" / "on 20 September"); days told by events a week
or more apart are a change over time (a rescheduling).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.compare.conflicts import (
    SAME_MATTER,
    TOKEN,
    Dated,
    apart,
    component_roots,
    group_sides,
)
from storyline.compare.framing import words


def _matter(ds: Sequence[Dated]) -> str:
    """The content words the sentences of a conflict share most, for its topic."""
    counted = Counter(
        w
        for d in ds
        for w in set(words(d.sentence.text)) & set(TOKEN.findall(d.sentence.text))
        if len(w) > 4  # lower case as written: a thing, not a name
    )
    return " ".join(w for w, n in counted.most_common(3) if n >= 2) or "one happening"


def date_conflicts(dated: Sequence[Dated], vectors: NDArray[np.float32]) -> list[dict[str, Any]]:
    """One happening given different days: sentences of different articles about the same
    matter (cosine `SAME_MATTER` or more) printing days of one month that the other does not
    ("the election on 13 September" / "on 20 September"). Only days printed with a number
    count (a weekday's day depends on how it was anchored: the timeline's business), and not
    the day the sentence's own event happened (a dateline). The year is not compared (a
    year-less date may have been completed differently). Days told by events a week or more
    apart are a change over time (a rescheduling), as for numbers."""
    month_day = [
        {v[5:] for v in d.sentence.printed_days if d.day is None or v != d.day.isoformat()}
        for d in dated
    ]
    clashes: dict[int, set[str]] = {}  # sentence -> months on which it clashes
    links: list[tuple[int, int]] = []
    for i, a in enumerate(dated):
        for j in range(i + 1, len(dated)):
            b = dated[j]
            if a.sentence.article_id == b.sentence.article_id or not (
                month_day[i] and month_day[j]
            ):
                continue
            months = {
                x[:2]
                for x in month_day[i] - month_day[j]
                for y in month_day[j] - month_day[i]
                if x[:2] == y[:2]
            }
            if months and float(np.dot(vectors[i], vectors[j])) >= SAME_MATTER:
                links.append((i, j))
                clashes.setdefault(i, set()).update(months)
                clashes.setdefault(j, set()).update(months)
    components: dict[int, list[int]] = {}
    for i, r in component_roots(clashes, links).items():
        components.setdefault(r, []).append(i)
    out = []
    for members in components.values():
        sides: dict[str, list[Dated]] = {}
        for i in members:
            for v in dated[i].sentence.printed_days:
                if (
                    v[5:7] in clashes[i]
                    and v[5:] in month_day[i]
                    and dated[i] not in sides.get(v, [])
                ):
                    sides.setdefault(v, []).append(dated[i])
        over_time = apart(list(sides.values()))
        out.append(
            {
                "kind": "date",
                "topic": f"the date of {_matter([dated[i] for i in members])}",
                "over_time": over_time,
                "sides": group_sides(sides),
                "note": "the days told by events a week or more apart: a rescheduling"
                if over_time
                else "the same happening given different days",
            }
        )
    return out
