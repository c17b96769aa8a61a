"""Who said it: cue verbs, speakers, media and relays around a span of reported words.

Works on character offsets and the coreference mentions, so the spaCy path and the fallback
share it. A speaker is the mention nearest before a cue verb (within a clause-sized window) or
right after it ("said Lavrov", "a déclaré le ministre"), or the mention after "according to"
and its translations. Pronouns and descriptions are mentions too, so the speaker reported is
their entity's fullest name, never "he" or "the minister".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from storyline.model import Entity, Mention
from storyline.nlp import lexicon as lx

SUBJECT_WINDOW = 80  # chars from a subject's end to its cue verb ("Lavrov told a channel")
INVERTED_WINDOW = 25  # chars from a cue verb to an inverted subject ("said Lavrov")
MEDIUM_WORDS = 6  # longest medium or addressee phrase kept ("a Hungarian YouTube channel")
SPEAKER_LABELS = frozenset({"PERSON", "ORG"})  # places and nationalities do not speak
MEDIUM_RE = re.compile(
    r"(?i)\b(?:interview|conversation|statement|comments|entretien|entrevista|gespräch|interview)"
    r"\s+(?:with|to|on|avec|à|au|con|a|mit|dem|der)\s+"
    r"|\b(?:to|à|a)\s+(?=(?:reporters|journalists|journalistes|periodistas|journalisten)\b)"
)
NP_END_RE = re.compile(
    r"(?i)[,.;:!?\"“”«»„\n]|\s(?:that|in|on|at|when|which|who|after|before|while|and|que|dass|"
    r"lors|en|el|am|im)\b"
)
RELAY_RE = re.compile(r"(?i)\b(?:reports?|reported|wrote|writes|rapporte|berichtet|informa)\b")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A speaker mention (or None), the cue word, and the medium and relay when given."""

    mention: Mention | None
    cue: str | None
    medium: str | None = None
    via: str | None = None


class Attributor:
    """Finds attributions in one text; `hidden` spans (quoted words) are never cues or speakers."""

    def __init__(
        self,
        text: str,
        mentions: tuple[Mention, ...],
        entities: tuple[Entity, ...],
        hidden: list[tuple[int, int]],
    ) -> None:
        self.text = text
        self.entities = entities
        self.hidden = hidden
        self.hidden_starts = [s for s, _ in hidden]
        self.speakers = [
            m for m in mentions if m.label in SPEAKER_LABELS and not self.is_hidden(m.start)
        ]
        self.starts = [m.start for m in self.speakers]
        # one scan for cue verbs per text; frames then slice this list
        self.cue_list = [m for m in lx.cue_matches(text) if not self.is_hidden(m.start())]
        self.cue_starts = [m.start() for m in self.cue_list]

    def is_hidden(self, pos: int) -> bool:
        i = bisect_right(self.hidden_starts, pos) - 1
        return i >= 0 and pos < self.hidden[i][1]

    def name(self, mention: Mention) -> str:
        return self.entities[mention.entity].name

    def cues(self, lo: int, hi: int) -> list[re.Match[str]]:
        """Cue verbs between lo and hi outside quoted words."""
        return self.cue_list[bisect_left(self.cue_starts, lo) : bisect_left(self.cue_starts, hi)]

    def subject(self, cue: re.Match[str], lo: int, hi: int) -> Mention | None:
        """The speaker of a cue verb: nearest mention before it, else right after it (never
        after "told": that is the hearer)."""
        i = bisect_left(self.starts, cue.start()) - 1
        if i >= 0:
            m = self.speakers[i]
            if m.start >= lo and m.end <= cue.start() and cue.start() - m.end <= SUBJECT_WINDOW:
                return m
        j = bisect_left(self.starts, cue.end())
        if j < len(self.speakers) and cue.group().lower() not in lx.ADDRESSEE_CUES:
            m = self.speakers[j]
            if m.end <= hi and m.start - cue.end() <= INVERTED_WINDOW:
                return m
        return None

    def first_speaker(self, lo: int, hi: int) -> Mention | None:
        """The first speaker mention between lo and hi (the subject of a sentence)."""
        i = bisect_left(self.starts, lo)
        return self.speakers[i] if i < len(self.speakers) and self.speakers[i].end <= hi else None

    def according(self, lo: int, hi: int) -> Attribution | None:
        """ "according to X" (selon, laut, según) anywhere between lo and hi."""
        for m in lx.ACCORDING_RE.finditer(self.text, lo, hi):
            j = bisect_left(self.starts, m.end())
            if j < len(self.speakers) and self.speakers[j].start == m.end():
                return Attribution(self.speakers[j], m.group().strip().lower())
        return None

    def in_frame(self, lo: int, hi: int, near: int) -> Attribution | None:
        """The attribution in [lo, hi) whose cue is nearest to `near` and has a speaker."""
        found = self.according(lo, hi)
        if found:
            return found
        cues = sorted(self.cues(lo, hi), key=lambda c: abs(c.start() - near))
        for cue in cues:
            speaker = self.subject(cue, lo, hi)
            if speaker is not None:
                return Attribution(
                    speaker, cue.group().lower(), self.medium(cue, hi), self.relay(lo, hi, speaker)
                )
        return None

    def medium(self, cue: re.Match[str], hi: int) -> str | None:
        """Where or to whom it was said: "told X", "in an interview with X", "to reporters"."""
        after = cue.end()
        if cue.group().lower() not in lx.ADDRESSEE_CUES:
            m = MEDIUM_RE.search(self.text, after, min(hi, after + 120))
            if m is None:
                return None
            after = m.end()
        stop = NP_END_RE.search(self.text, after + 1, hi)
        words = self.text[after : stop.start() if stop else hi].split()
        return " ".join(words[:MEDIUM_WORDS]) or None

    def relay(self, lo: int, hi: int, speaker: Mention) -> str | None:
        """An outlet relaying the speaker's words ("..., Reuters reports")."""
        for m in RELAY_RE.finditer(self.text, lo, hi):
            i = bisect_left(self.starts, m.start()) - 1
            if i >= 0 and self.speakers[i].label == "ORG" and m.start() - self.speakers[i].end < 3:
                outlet = self.speakers[i]
                if outlet.entity != speaker.entity:
                    return self.name(outlet)
        return None
