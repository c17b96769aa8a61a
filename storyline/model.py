"""The data model: frozen dataclasses shared by every stage.

An `Article` is built once by the ingest stage from a `RawInput` and is never mutated: later
stages return a copy (`dataclasses.replace`). Every derived field keeps its provenance (which
rule or library produced it) and the raw input stays next to it, so results can be recomputed.
Later stages (entities, quotes, time expressions, clusters) add their own types here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

Format = Literal["txt", "html"]
QuoteKind = Literal["direct", "partial", "indirect"]
MentionKind = Literal["name", "surname", "title", "description", "pronoun"]
Granularity = Literal["day", "month", "year"]
Verdict = Literal["chosen", "ok", "implausible", "conflicting"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RawInput:
    """One article's input exactly as read, with where it came from.

    `source` names the file (and `#id` or `:line` for a record inside a JSON/JSONL file) and
    appears in every error and citation. `raw` is the input verbatim (a whole file, or one JSON
    record); `body` is the document inside it to clean (the same text for a file; a record's
    text or html field). `fields` holds the structured fields a JSON record or a feed gave
    (title, url, published, ...), as strings, untouched.
    """

    source: str
    format: Format
    raw: str
    body: str
    container: Literal["file", "json"] = "file"
    raw_bytes: bytes = b""  # as read; the store keeps them only when `raw` cannot give them back
    encoding: str = "utf-8"
    fields: tuple[tuple[str, str], ...] = ()
    extra_json: str = "{}"  # other record fields, kept as metadata

    def field(self, name: str) -> str | None:
        """The value of a structured field, or None."""
        for key, value in self.fields:
            if key == name:
                return value
        return None

    @property
    def fields_from(self) -> str:
        """Where `fields` came from, as the prefix of the rules that use them: "feed" for a
        feed item's metadata (`extra` names the feed it came from: live/feeds.py), "json"
        for a record's own fields."""
        try:
            extra = json.loads(self.extra_json)
        except ValueError:
            return "json"
        feed = extra.get("feed") if isinstance(extra, dict) else None
        return "feed" if isinstance(feed, str) and "feed_link" in extra else "json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """A line of the article's visible text and what cleaning decided about it.

    `no` is the 0-based index among the visible lines (for a text dump: the raw lines; for a
    page: the extractor's lines, then the page's other visible lines with origin "page").
    `text` is the line verbatim; `clean` what the article text keeps of it ("" when removed).
    `reason` says why a line was removed ("ad-placeholder", "duplicate-line", ...) or trimmed.
    """

    no: int
    text: str
    kind: Literal["title", "heading", "body", "removed", "blank"]
    clean: str = ""
    reason: str = ""
    rule: str = ""
    origin: Literal["text", "page"] = "text"


@dataclass(frozen=True, slots=True, kw_only=True)
class DateClaim:
    """A publication date stated somewhere, with its source and our verdict on it.

    Claims are never dropped: an implausible one is kept with verdict "implausible" and a reason.
    `value` is ISO 8601 at its granularity; `year_completed` marks a year we supplied.
    """

    value: str
    granularity: Granularity
    source: str  # "json:published", "html:htmldate", "url", "id-code", "header-line", ...
    evidence: str
    verdict: Verdict = "ok"
    reason: str = ""
    year_completed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Which rule or library produced a derived field's value."""

    field: str
    rule: str
    evidence: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """A mention of an entity in an article's clean text: `text == article.text[start:end]`.

    `entity` is the index of the in-article entity (after coreference) it refers to; `kind` says
    how it refers: a full name, a surname alone, a title ("the minister"), a description
    ("Russia's top diplomat") or a pronoun.
    """

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, NORP, ... (spaCy's labels)
    entity: int
    kind: MentionKind = "name"


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """One person, organisation or place as an article refers to it (a coreference chain).

    `name` is the fullest name the article gives; `canonical` is filled by cross-article
    resolution (the store's canonical entity name), None until then.
    """

    id: int
    label: str
    name: str
    canonical: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """Something someone said, as the article reports it.

    `start`/`end` span the quoted or reported words in the clean text (without the quote marks);
    the speaker fields point to the mention that says it (None when the text names nobody);
    `speaker` is the fullest in-article name of that speaker (or an outlet, "Reuters");
    `medium` is where it was said or to whom ("Corriere della Sera", "reporters") when given.
    """

    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_entity: int | None = None
    cue: str | None = None
    medium: str | None = None
    via: str | None = None  # an outlet that reports someone else's words ("Reuters reports")


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    """The NLP stage's result for one article (`processor` names the model or "fallback")."""

    processor: str
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A cleaned, dated article. `id` is sha1 of the raw input: stable across runs."""

    id: str
    source: str
    format: Format
    raw: str
    container: Literal["file", "json"] = "file"
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None
    text: str = ""
    headings: tuple[str, ...] = ()
    lines: tuple[Line, ...] = ()
    foreign_lines: tuple[tuple[str, str], ...] = ()  # (line, language)
    date_claims: tuple[DateClaim, ...] = ()
    published: str | None = None
    published_confidence: float = 0.0
    published_inferred: bool = False
    provenance: tuple[Provenance, ...] = ()
    extra_json: str = "{}"
    warnings: tuple[str, ...] = field(default=())

    @property
    def removed(self) -> tuple[Line, ...]:
        """The lines cleaning removed, each with its reason."""
        return tuple(line for line in self.lines if line.kind == "removed")

    def rule_for(self, name: str) -> str | None:
        """The rule that produced field `name`, if recorded."""
        return next((p.rule for p in self.provenance if p.field == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Timex:
    """A time expression in a text (TIMEX3-style) and its normalised value.

    `start`/`end` are character offsets into the text given (`text[start:end] == self.text`).
    `type` is DATE, TIME, DURATION or SET; `value` a TIMEX3 value (`2025-10-16`, `2025-10`,
    `2025-W45`, `2025-10-16T14:00`, `P2W`, `XXXX-WXX-7`, `PAST_REF`), None when it cannot be
    resolved. `anchor` says what resolved it: "absolute", "published", "narrative:<start of the
    timex used>" or "none". `note` states an ambiguity or impossibility ("impossible date: 31
    February"), so such a date is kept as text, never turned into a confident wrong value.
    """

    start: int
    end: int
    text: str
    type: str
    value: str | None
    anchor: str
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineSource:
    """Where a timeline line comes from: an article and the character span of its sentence."""

    article_id: str
    start: int
    end: int
    outlet: str | None = None
    timex: str = ""  # the time expression as the article wrote it ("Sunday", "a day earlier")
    # the date this source gives when it is not its entry's (a flagged conflict), else ""
    date: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    """One happening on a story's timeline.

    `date` is a TIMEX3 value at the granularity the sources give (`2025-10-16`, `2025-10`,
    `2025-W45`, `2025`); `what` a short clause from the text; `sources` every article that
    reports it. `conflict` names the other dates sources give for the same happening ("" when
    they agree); `kind` is "event" (a clustered event's own date) or "mention" (a dated sentence).
    """

    date: str
    what: str
    actors: tuple[str, ...] = ()
    sources: tuple[TimelineSource, ...] = ()
    conflict: str = ""
    kind: str = "mention"


@dataclass(frozen=True, slots=True, kw_only=True)
class EventDate:
    """When an event happened (the interview, not its publication), with evidence.

    `value` is a TIMEX3 date or None; `confidence` the share of the evidence that agrees;
    `evidence` lines such as "a1b2c3d4: 'Sunday' → 2025-10-26 (lede)".
    """

    value: str | None
    confidence: float
    evidence: tuple[str, ...] = ()
