"""What event and story assignment (cluster.py) compares: an article as an `Item`, the
features of two articles or of an article against a cluster (`FEATURES`), and the logistic
models over them, learned by bench/fit_cluster_weights.py and read from
data/cluster_weights.json.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.link.name_tokens import weighted_overlap

WEIGHTS_PATH = Path(__file__).parent / "data" / "cluster_weights.json"
FEATURES = (
    "cosine",
    "entities",
    "names",
    "numbers",
    "shared_numbers",
    "quotes",
    "log_gap_days",
    "scaled_cosine",
)
SHARED_NUMBERS_CAP = 3  # shared numbers counted up to this many (one shared number is weak)


@dataclass(slots=True)
class Item:
    """What clustering knows of one article."""

    id: str
    day: date | None  # published: the order articles arrive in
    vector: NDArray[np.float32]
    entities: frozenset[int]
    numbers: frozenset[str]
    quotes: frozenset[int]
    names: dict[str, float]  # name token → its idf weight (name_tokens.py)
    words: int
    dup_group: int | None
    happened: date | None = None  # the day its lede names, else `day` (see `happened`)
    # mean cosine to its nearest articles in the store, over `density_n` of them (cluster.py
    # `State.density_of`): how crowded its neighbourhood is
    density: float = math.nan
    density_n: int = 0

    def __post_init__(self) -> None:
        if self.happened is None:
            self.happened = self.day


@dataclass(slots=True)
class Model:
    """A logistic model over a subset of `FEATURES` and the probability threshold to join."""

    coef: NDArray[np.float64]  # one weight per name in `features`
    intercept: float
    threshold: float
    missing_gap: float  # the log gap used when a side is undated (see bench/fit_cluster_weights)
    features: tuple[str, ...] = FEATURES
    columns: list[int] = field(init=False)  # where `features` sit in a vector of `FEATURES`

    def __post_init__(self) -> None:
        self.columns = [FEATURES.index(f) for f in self.features]

    def probability(self, x: Sequence[float]) -> float:
        """P(same cluster) for one vector of all `FEATURES` (a NaN gap: `missing_gap`)."""
        v = np.asarray([x[c] for c in self.columns], dtype=np.float64)
        v[np.isnan(v)] = self.missing_gap
        z = float(np.dot(self.coef, v)) + self.intercept
        return 1.0 / (1.0 + math.exp(-z))


def load_models(path: Path = WEIGHTS_PATH) -> tuple[Model, Model]:
    """The (event, story) models from the weights file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for level in ("event", "story"):
        m = data[level]
        features = tuple(m["features"])
        assert set(features) <= set(FEATURES), f"{level} weights use unknown features"
        coef = np.asarray(m["coef"], dtype=np.float64)
        out.append(Model(coef, m["intercept"], m["threshold"], data["missing_gap"], features))
    return out[0], out[1]


def jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 when both are empty."""
    return len(a & b) / len(a | b) if a or b else 0.0


def pair_features(a: Item, b: Item) -> list[float]:
    """The features of two articles, in `FEATURES` order (an undated side: NaN gap)."""
    gap = _gap(_days(a), _days(b))
    cosine = float(np.dot(a.vector, b.vector))
    return [
        cosine,
        jaccard(a.entities, b.entities),
        weighted_overlap(a.names, b.names),
        jaccard(a.numbers, b.numbers),
        min(len(a.numbers & b.numbers), SHARED_NUMBERS_CAP) / SHARED_NUMBERS_CAP,
        1.0 if a.quotes & b.quotes else 0.0,
        gap,
        scaled_cosine(cosine, a.density, b.density),
    ]


def scaled_cosine(cosine: float, density_a: float, density_b: float) -> float:
    """The cosine of two articles less how close each is to its nearest articles in general
    (cross-domain similarity local scaling, Conneau et al. 2018: 2 cos - r_a - r_b). A
    multilingual embedding puts every report on one topic within a few hundredths of each
    other (the seeds: 0.84-0.93), so a raw cosine says little; standing out from one's own
    neighbourhood says more. 0 (as close as usual) when a density is unknown."""
    if math.isnan(density_a) or math.isnan(density_b):
        return 0.0
    return 2.0 * cosine - density_a - density_b


def _days(item: Item) -> set[date]:
    """The days an article can be dated by: its publication and its lede's happening."""
    return {d for d in (item.day, item.happened) if d is not None}


def _gap(a: set[date], b: set[date]) -> float:
    """log(1 + days) between the closest dates of two articles; NaN when one is undated."""
    if not a or not b:
        return math.nan
    return math.log1p(min(abs((x - y).days) for x in a for y in b))


def group_features(item: Item, members: Iterable[Item]) -> list[float]:
    """The features of an article against a cluster: the best of each over the members, and
    the gap to the cluster's date span (0 inside it)."""
    ms = list(members)
    pairs = np.array([pair_features(item, m) for m in ms])
    best = pairs.max(axis=0)
    days = [d for m in ms for d in _days(m)]
    own = _days(item)
    gap = math.nan
    if own and days:
        lo, hi = min(days), max(days)
        gap = math.log1p(min(max((lo - d).days, (d - hi).days, 0) for d in own))
    best[FEATURES.index("log_gap_days")] = gap
    return [float(v) for v in best]
