"""Boilerplate by repetition: lines an outlet prints in many of its articles.

Counts, per outlet, in how many articles each short line appears. Seeded from the store once
per run and updated as articles are cleaned, so the check costs O(lines) per article however
large the store grows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from storyline.ingest.clean import KEPT
from storyline.ingest.lines import normalise, word_count
from storyline.model import Article

MIN_ARTICLES = 3  # a line in this many articles of one outlet is that outlet's boilerplate
MAX_WORDS = 15  # only short lines: story paragraphs repeat in rewrites, and must stay


class OutletLines(Mapping[str, AbstractSet[str]]):
    """outlet → the lines (normalised) that count as its boilerplate by repetition.

    A line counts once per *headline*: versions and copies of one story share their lines
    without those lines being boilerplate.
    """

    def __init__(self, counts: Mapping[tuple[str, str], int]) -> None:
        self._counts: Counter[tuple[str, str]] = Counter(counts)
        self._seen: set[tuple[str, str, str]] = set()  # (outlet, line, headline) this run
        self._lines: dict[str, set[str]] = {}
        for (outlet, key), n in self._counts.items():
            if n >= MIN_ARTICLES:
                self._lines.setdefault(outlet, set()).add(key)

    def touches(self, article: Article) -> bool:
        """Whether any line of `article` is known boilerplate of its outlet (then it must be
        cleaned again with this knowledge)."""
        known = self._lines.get(article.outlet or "", set())
        return any(normalise(ln.text) in known for ln in article.lines if ln.kind in KEPT)

    def add(self, article: Article) -> None:
        """Count the lines of a newly cleaned article."""
        if not article.outlet:
            return
        keys = {
            normalise(ln.text)
            for ln in article.lines
            if ln.kind not in ("blank", "title") and word_count(ln.text) <= MAX_WORDS
        }
        headline = normalise(article.title or article.id)
        for key in keys - {""}:
            if (article.outlet, key, headline) in self._seen:
                continue
            self._seen.add((article.outlet, key, headline))
            self._counts[(article.outlet, key)] += 1
            if self._counts[(article.outlet, key)] >= MIN_ARTICLES:
                self._lines.setdefault(article.outlet, set()).add(key)

    def __getitem__(self, outlet: str) -> AbstractSet[str]:
        return self._lines[outlet]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)
