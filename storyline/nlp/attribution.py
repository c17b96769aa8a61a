"""Who said it: cue verbs, speakers, media and relays around a span of reported words.

Works on character offsets and the coreference mentions, so the spaCy path and the fallback
share it. A speaker is the mention nearest before a cue verb (within a clause-sized window; the
head of a parenthetical that ends at the cue, "Strand, whose party ..., said", not a name inside
it) or right after it ("..., said Lavrov", "..., a déclaré le ministre", "..., sagte die
Direktorin"), or the mention after "according to" and its translations ("nach Angaben der X"),
or the name a quote is signed with ("“…” ― Pamela Padilla");
a person named with their organisation speaks for themselves ("Pia Marek of the National Union
said"). Pronouns, descriptions, a person's office ("son cabinet") and a spokesperson ("a company
spokeswoman") are mentions too, so the speaker reported is their entity's fullest name, never
"he" or "the minister"; a source nobody names ("according to port agents") gives no speaker.
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
    r"lors|en|el|am|im|he|she|they|we|it|il|elle|ils|er|sie)\b"
)  # "told the Lantern she had signed": the hearer ends before the reported clause's subject
AUXILIARY = r"(?:(?:a|ont|avait|ha|han|había|hat|haben|hatte|has|have|had)\s+)?"  # "..., a dit"
# The end of a parenthetical between a subject and its cue: "X, who ..., said", "X, ..., a dit".
CLAUSE_END_RE = re.compile(rf"(?i),\s*{AUXILIARY}$")
# A quotation's closing mark just before a cue: "“…,” said Caddell, speaking of her health".
CLOSED_QUOTE_RE = re.compile(rf"[”\"’»]\s*{AUXILIARY}$")
# Before a cue whose subject follows it: "..., said Lavrov", "» a déclaré le ministre".
INVERSION_RE = re.compile(rf"(?i)(?:[,:]|[»”\"“’'])\s*{AUXILIARY}$")
COMPLEMENTIZER_RE = re.compile(r"(?i)\b(?:that|que|qu['’]|dass|daß)")
DETERMINER_RE = re.compile(rf"(?i)(?:{'|'.join(map(re.escape, sorted(lx.DETERMINERS)))})\s+")
SOURCE_WORDS = 40  # chars of an unnamed source's phrase searched for a name in it
SOURCE_END_RE = re.compile(r"[,.;:!?]")
APPOSED_GAP = 2  # chars between a subject and the comma opening its parenthetical
# A quote signed with a dash and a name after it: "“…” ― Sonya Herridge", "“…” - J. Smith".
SIGNED_RE = re.compile(r"[ \t]*[―—–][ \t]*|[ \t]+-[ \t]+")
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
        """The speaker of a cue verb: the subject before it (the head of a parenthetical that
        ends at the cue, "Strand, whose ..., said"), else the one right after it when the cue
        follows a comma ("..., said Lavrov", "..., sagte die Direktorin") or nothing precedes
        it. Never the one after "told": that is the hearer."""
        j = bisect_left(self.starts, cue.end())
        after = self.speakers[j] if j < len(self.speakers) else None
        if (
            after is None
            or after.end > hi
            or after.start - cue.end() > INVERTED_WINDOW
            or cue.group().lower() in lx.ADDRESSEE_CUES
            or COMPLEMENTIZER_RE.search(self.text, cue.end(), after.start)
        ):
            after = None  # "told X" is the hearer; "a assuré qu'elle": the clause's subject
        i = bisect_left(self.starts, cue.start()) - 1
        before = self.speakers[i] if i >= 0 else None
        if lx.INFINITIVE_RE.search(self.text, max(lo, cue.start() - 4), cue.start()):
            before = None  # "to call X and the regulator to explain": X is no speaker
        # the words right after a cue are its subject only after a comma or a quote ("...,
        # said Lavrov", "» a déclaré le ministre"); else they are its object ("dismisses X")
        inverted = after is not None and (
            bool(INVERSION_RE.search(self.text, lo, cue.start()))
            or not self.text[lo : cue.start()].strip()  # the frame starts at the cue
            or (
                after.kind == "pronoun"
                and after.text.lower() in lx.SUBJECT_PRONOUNS
                and after.start - cue.end() <= 1
            )
        )  # "nannte er", "said he"; not "a assuré qu'elle"
        if (
            before is None
            or before.start < lo
            or before.end > cue.start()
            or cue.start() - before.end > SUBJECT_WINDOW
        ):
            if not inverted and CLAUSE_END_RE.search(self.text, lo, cue.start()):
                head = self.first_speaker(lo, cue.start())  # "La ministre, qui ... , a assuré"
                return head if head and self.text[head.end : head.end + 1] == "," else None
            return after if inverted else None
        before = self.affiliated(before, lo)
        if not CLAUSE_END_RE.search(self.text, before.end, cue.start()):
            return before
        adjacent = inverted and after is not None and after.start - cue.end() <= 1
        return self.apposed_head(before, lo) or (after if adjacent else before)

    def affiliated(self, m: Mention, lo: int) -> Mention:
        """The person an organisation is named after ("Pia Marek of the National Union said"
        is said by Pia Marek), else `m`."""
        i = bisect_left(self.starts, m.start) - 1
        if m.label != "ORG" or i < 0 or self.speakers[i].label != "PERSON":
            return m
        person = self.speakers[i]
        if person.start >= lo and lx.AFFILIATION_RE.search(self.text[person.end : m.start]):
            return person
        return m

    def apposed_head(self, m: Mention, lo: int) -> Mention | None:
        """The mention right before the comma that opens the clause holding `m` (`m` itself
        when the clause is nothing but `m`, an apposition)."""
        opening = self.text.rfind(",", lo, m.start)
        if not self.text[opening + 1 : m.start].strip() and self.text[m.end : m.end + 1] == ",":
            return m  # "the chief of X, Jonas Falk, said": the name is the apposition
        i = bisect_left(self.starts, opening) - 1
        while i >= 0 and self.speakers[i].start >= lo:
            head = self.speakers[i]
            if head.end <= opening:
                return head if opening - head.end <= APPOSED_GAP else None
            i -= 1
        return None

    def mention_at(self, start: int) -> Mention | None:
        """The speaker mention that starts at `start`, if any."""
        i = bisect_left(self.starts, start)
        return self.speakers[i] if i < len(self.speakers) and self.starts[i] == start else None

    def signed(self, close: int) -> Attribution | None:
        """The name a quote is signed with: a dash right after its closing mark, then a speaker
        mention ("“…” ― Pamela Padilla": pull quotes, readers' voices, epigraphs)."""
        dash = SIGNED_RE.match(self.text, close)
        mention = self.mention_at(dash.end()) if dash else None
        return Attribution(mention, None) if mention is not None else None

    def first_speaker(self, lo: int, hi: int) -> Mention | None:
        """The first speaker mention between lo and hi (the subject of a sentence)."""
        i = bisect_left(self.starts, lo)
        return self.speakers[i] if i < len(self.speakers) and self.speakers[i].end <= hi else None

    def according(
        self, lo: int, hi: int, *, unnamed: bool = False
    ) -> tuple[re.Match[str], Attribution] | None:
        """ "according to X" (selon, laut, según) anywhere between lo and hi, and its
        attribution; with `unnamed`, also a source described rather than named ("according to
        port agents", "selon plusieurs médias"), whose speaker is whoever the description names
        ("according to figures the company gave"), else nobody."""
        for m in lx.ACCORDING_RE.finditer(self.text, lo, hi):
            j = bisect_left(self.starts, m.end())
            det = DETERMINER_RE.match(self.text, m.end())  # "nach Angaben der Gewerkschaft X"
            at = {m.end(), det.end() if det else m.end()}
            cue = m.group().strip().lower()
            if j < len(self.speakers) and self.speakers[j].start in at:
                return m, Attribution(self.speakers[j], cue)
            if unnamed and self.text[m.end() : m.end() + 1].islower():
                # "according to figures the company gave", "a report by Reuters"
                source = SOURCE_END_RE.search(self.text, m.end(), min(hi, m.end() + SOURCE_WORDS))
                named = self.first_speaker(m.end(), source.start() if source else hi)
                return m, Attribution(named, cue)
        return None

    def in_frame(self, lo: int, hi: int, near: int) -> Attribution | None:
        """The attribution in [lo, hi) whose cue is nearest to `near` and has a speaker."""
        found = self.according(lo, hi)
        if found:
            return found[1]
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
