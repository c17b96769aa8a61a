"""Claims: the sentences of a story's articles, aligned across articles, with their independent
sources counted.

A claim is one sentence of one article with what it is about: the people and organisations
named in it, its numbers and its calendar dates. Sentences of different articles are one claim
when their multilingual embeddings are close (`SAME_CLAIM`), or fairly close
(`RELATED_CLAIM`) and they share a number or a rare name: rewrites and translations of one
report line up, background sentences about other matters do not. Alignment is greedy in the
articles' published order, each article contributing at most one sentence to a claim.

Independence: copies (one duplicate group) count once, and sources whose articles all rest on
the same origin (the wire service or interview their quotes cite: `via`/`medium` of the quotes)
count once, with that origin named. So three rewrites of one Reuters report of one interview are
one independent source, "interview with RIA Novosti".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from storyline.compare.figures import Figure, canonical, figures_in
from storyline.compare.periods import CALENDAR
from storyline.compare.sentences import sentence_spans
from storyline.link.name_tokens import tokens
from storyline.model import Timex

SAME_CLAIM = 0.93  # cosine of multilingual-e5-small sentence embeddings
RELATED_CLAIM = 0.88  # with a shared number or name
MIN_WORDS = 6  # shorter sentences are headings, captions or fragments
MASKED_TIMEX = frozenset({"DATE", "TIME"})  # their numbers are days and hours, not figures
_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of one article, with what a claim needs of it."""

    article_id: str
    outlet: str | None
    start: int
    end: int
    text: str
    actors: tuple[str, ...]
    numbers: frozenset[str]
    dates: tuple[str, ...]
    named_at: tuple[tuple[int, str], ...] = ()  # (offset in the article, name) of each actor
    figures: tuple[Figure, ...] = ()  # its numbers with what they count, dates left out
    printed_days: tuple[str, ...] = ()  # days it prints with a number ("13 September")


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What independence needs of an article: its duplicate group and the origin it rests on."""

    article_id: str
    outlet: str | None
    published: str | None
    dup_group: str | None
    origin: str | None


@dataclass(slots=True)
class ClaimGroup:
    """Aligned sentences: one claim as several articles state it."""

    members: list[Sentence] = field(default_factory=list)
    vector: NDArray[np.float32] | None = None

    @property
    def articles(self) -> set[str]:
        """The articles stating it."""
        return {s.article_id for s in self.members}


def numbers_in(text: str) -> frozenset[str]:
    """The numbers a sentence states, each as one string whatever the notation ("4,000",
    "4 000" and "4.000" are "4000"; "68 %" and "68 per cent" are "68%"), years left out."""
    return frozenset(canonical(f) for f in figures_in(text))


def _masked(text: str, start: int, timexes: Sequence[Timex]) -> str:
    """`text` (at offset `start` of its article) with its dates and times blanked out."""
    chars = list(text)
    for t in timexes:
        if t.type in MASKED_TIMEX:
            for i in range(max(t.start - start, 0), min(t.end - start, len(chars))):
                chars[i] = " "
    return "".join(chars)


def split_sentences(
    article_id: str,
    outlet: str | None,
    text: str,
    timexes: Sequence[Timex],
    names: Sequence[tuple[int, int, str]],
) -> list[Sentence]:
    """The claim-sized sentences of one article."""
    out = []
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        if len(sentence.split()) < MIN_WORDS:
            continue
        inside = [(s, n) for s, e, n in names if s >= start and e <= end]
        actors = tuple(dict.fromkeys(n for _, n in inside))
        said = [(t.value, t.text) for t in timexes if start <= t.start < end and t.type == "DATE"]
        dates = tuple(v for v, _ in said if v and CALENDAR.fullmatch(v))
        printed = tuple(  # days printed as calendar dates ("13 September"), not "on Friday"
            v for v, text in said if v and _DAY.fullmatch(v) and _DIGIT.search(text)
        )
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        figures = tuple(figures_in(_masked(sentence, start + lead, timexes)))
        out.append(
            Sentence(
                article_id,
                outlet,
                start,
                end,
                sentence,
                actors,
                frozenset(canonical(f) for f in figures),
                dates,
                tuple(sorted(inside)),
                figures,
                printed,
            )
        )
    return out


def _related(a: Sentence, b: Sentence) -> bool:
    if a.numbers & b.numbers:
        return True
    return bool(tokens(a.actors) & tokens(b.actors))


def align(sentences: Sequence[Sentence], vectors: NDArray[np.float32]) -> list[ClaimGroup]:
    """Greedy alignment of sentences (in the order given) into claims."""
    groups: list[ClaimGroup] = []
    for sentence, vector in zip(sentences, vectors, strict=True):
        best, best_sim = None, RELATED_CLAIM
        for g in groups:
            if sentence.article_id in g.articles or g.vector is None:
                continue
            sim = float(np.dot(g.vector, vector))
            if sim < best_sim:
                continue
            if sim >= SAME_CLAIM or any(_related(sentence, m) for m in g.members):
                best, best_sim = g, sim
        if best is None:
            groups.append(ClaimGroup([sentence], vector))
        else:
            best.members.append(sentence)
    return groups


def source_key(i: ArticleInfo) -> str:
    """The independent source an article counts as: the origin it rests on, else its copy
    group, else itself."""
    return f"origin:{i.origin.lower()}" if i.origin else f"copy:{i.dup_group or i.article_id}"


def independent_sources(
    articles: Sequence[str], info: dict[str, ArticleInfo]
) -> tuple[int, str | None]:
    """(independent sources, the one origin they all rest on or None) of a claim's articles."""
    keys = {source_key(info[a]) for a in articles}
    origins = Counter(info[a].origin for a in articles if info[a].origin)
    if len(keys) == 1 and origins:
        return 1, origins.most_common(1)[0][0]
    return len(keys), None
