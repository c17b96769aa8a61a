"""Quotes: direct and partial quotations from quote marks, indirect speech from cue verbs.

A quoted span is *direct* when it stands as an utterance (at a paragraph start, after a colon,
a comma or a sentence end, starting with a capital) and *partial* when it is a phrase woven into
the reporter's sentence ("characterized Russia as "polite people""). Titles of works, names
("so-called "smart quay""), scare quotes (a word or two after a determiner, modifying the next
noun, or with no cue verb in the sentence) and partial quotes nobody is said to have said are
dropped. A direct quote with no cue in its sentence takes the attribution of the next sentence,
of a previous sentence ending in a colon, or of the quote it continues. Indirect speech is read
from sentences without quote marks: "X said (that) ...", "according to X, ...", "..., X said".
"""

from __future__ import annotations

import re
from bisect import bisect_right

from storyline.model import Quote, QuoteKind
from storyline.nlp import lexicon as lx
from storyline.nlp.attribution import Attribution, Attributor
from storyline.nlp.marks import Span

SCARE_WORDS = 2  # quoted phrases this short after a determiner are scare quotes, not speech
TITLE_CASE_SHARE = 0.6  # share of capitalised words that makes a quoted phrase a title
MIN_INDIRECT_WORDS = 4  # shorter reported clauses are too thin to call indirect speech
NARRATIVE_WORDS = 3  # a quote with this many unattributed words around it is not speech
CONTINUE_GAP = 2  # paragraphs a quote with no cue may be from the previous quote it continues
WORD_RE = re.compile(r"[\w’'-]+")
LEAD_RE = re.compile(
    r"\s*(?:(?:on|last|this|early|late)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday"
    r"|Sunday|yesterday|today|earlier|later|afterwards|lundi|mardi|mercredi|jeudi|vendredi|samedi"
    r"|dimanche)?\s*,?\s*(?:(?:in|during)\s+an?\s+[\w\s-]{0,60}?\b(?:with|to)\s+[^,]{1,60}?\s)?"
    r"(?:that|que|qu['’]|dass|,)?\s*"
)


def _sentence_of(starts: list[int], pos: int) -> int:
    return max(0, bisect_right(starts, pos) - 1)


class QuoteFinder:
    """Finds the quotes of one text; see the module docstring."""

    def __init__(
        self, text: str, sentences: tuple[tuple[int, int], ...], attributor: Attributor
    ) -> None:
        self.text = text
        self.sentences = sentences or ((0, len(text)),)
        self.starts = [s for s, _ in self.sentences]
        self.at = attributor

    def find(self, spans: list[Span]) -> list[Quote]:
        quotes: list[Quote] = []
        previous: tuple[Span, Attribution] | None = None
        for span in spans:
            kind = self.kind(span)
            if kind is None:
                continue
            found = self.attribute(span, kind, previous)
            if found is None:
                continue
            quotes.append(self.quote(span.start, span.end, kind, found))
            if kind == "direct":
                previous = (span, found)
        quotes += self.indirect(spans)
        return sorted(quotes, key=lambda q: q.start)

    def quote(self, start: int, end: int, kind: QuoteKind, found: Attribution) -> Quote:
        m = found.mention
        return Quote(
            start=start,
            end=end,
            text=self.text[start:end],
            kind=kind,
            speaker=self.at.name(m) if m else None,
            speaker_mention=m.text if m else None,
            speaker_start=m.start if m else None,
            speaker_end=m.end if m else None,
            speaker_entity=m.entity if m else None,
            cue=found.cue,
            medium=found.medium,
            via=found.via,
        )

    def kind(self, span: Span) -> QuoteKind | None:
        """direct, partial, or None for titles, names and scare quotes."""
        text = self.text
        content = text[span.start : span.end]
        words = WORD_RE.findall(content)
        if not words:
            return None
        open_at = span.open_at if span.open_at >= 0 else span.start
        para = text.rfind("\n", 0, open_at) + 1
        before = text[para:open_at].rstrip()
        if lx.SO_CALLED_RE.search(before):
            return None
        capitals = sum(w[0].isupper() or w[0].isdigit() for w in words)
        if (
            len(words) > 1
            and capitals / len(words) >= TITLE_CASE_SHARE
            and content[-1] not in ".!?,"
        ):
            return None
        utterance = not before or before[-1] in ":,.!?—–-" or span.orphan
        if utterance and (words[0][0].isupper() or span.orphan):
            return "direct"
        prev = before.split()[-2:] if before else []
        nxt = WORD_RE.match(text[span.close_at + 1 :].lstrip()) if span.close_at >= 0 else None
        if len(words) <= SCARE_WORDS and prev and _determined(prev):
            follows_noun = nxt is not None and nxt.group().lower() not in lx.FUNCTION_WORDS
            if follows_noun or not self.at.cues(
                *self.sentences[_sentence_of(self.starts, span.start)]
            ):
                return None
        return "partial"

    def attribute(
        self, span: Span, kind: QuoteKind, previous: tuple[Span, Attribution] | None
    ) -> Attribution | None:
        """The attribution of a quoted span (None drops a partial quote nobody said)."""
        first = _sentence_of(self.starts, span.start)
        last = _sentence_of(self.starts, max(span.start, span.end - 1))
        lo, hi = self.sentences[first][0], self.sentences[last][1]
        open_at = span.open_at if span.open_at >= 0 else span.start
        close = span.close_at + 1 if span.close_at >= 0 else span.end
        if kind == "partial":
            return self.at.in_frame(lo, hi, open_at)
        found = self.at.in_frame(close, hi, close) or self.at.in_frame(lo, open_at, open_at)
        if found:
            return found
        if last + 1 < len(self.sentences):
            s, e = self.sentences[last + 1]
            if not self.at.is_hidden(s) and (found := self.at.in_frame(s, e, s)):
                return found
        if first > 0:
            s, e = self.sentences[first - 1]
            if self.text[s:e].rstrip().endswith(":") and (found := self.at.in_frame(s, e, e)):
                return found
        introduced = self.text[lo:open_at].rstrip().endswith(":")
        if introduced or self.at.cues(close, hi):  # "X was brief: '...'", "«...», afirmó"
            subject = self.at.first_speaker(lo, open_at)
            if subject is not None:
                return Attribution(subject, None)
        narrative = self.text[lo:open_at] + self.text[close:hi]
        if len(WORD_RE.findall(narrative)) >= NARRATIVE_WORDS and not self.at.cues(lo, hi):
            return None  # words quoted inside the reporter's own sentence, said by nobody named
        if previous and self.text.count("\n", previous[0].end, span.start) <= CONTINUE_GAP:
            return Attribution(previous[1].mention, None, previous[1].medium, previous[1].via)
        return Attribution(None, None)

    def indirect(self, spans: list[Span]) -> list[Quote]:
        """Reported speech in sentences without quote marks."""
        quoted = [_sentence_of(self.starts, s.start) for s in spans]
        quoted += [_sentence_of(self.starts, max(s.start, s.end - 1)) for s in spans]
        busy = set(quoted)
        found: list[Quote] = []
        for i, (lo, hi) in enumerate(self.sentences):
            if i in busy:
                continue
            q = self.reported(lo, hi)
            if q is not None:
                found.append(q)
        return found

    def reported(self, lo: int, hi: int) -> Quote | None:
        """The indirect speech of one sentence, if it reports any."""
        text = self.text
        end = hi
        while end > lo and text[end - 1] in ' .\n"”':
            end -= 1
        acc = self.at.according(lo, hi)
        if acc and acc.mention:
            m = acc.mention
            if m.start - lo < 20:  # "According to X, content"
                comma = text.find(",", m.end, end)
                start = comma + 1 if comma >= 0 else m.end
                return self._indirect(start, end, acc)
            cut = text.rfind(",", lo, m.start)  # "content, according to X"
            return self._indirect(lo, cut if cut > lo else m.start, acc)
        for cue in self.at.cues(lo, hi):
            speaker = self.at.subject(cue, lo, hi)
            if speaker is None:
                continue
            found = Attribution(
                speaker,
                cue.group().lower(),
                self.at.medium(cue, hi),
                self.at.relay(lo, hi, speaker),
            )
            if speaker.start < cue.start():
                comma = text.rfind(",", lo, speaker.start)
                if comma > lo and end - cue.end() < 40:  # "content, X said on Monday"
                    return self._indirect(lo, comma, found)
            tail = max(cue.end(), speaker.end)
            if found.medium and (at := text.find(found.medium, tail, end)) >= 0:
                tail = at + len(found.medium)
            lead = LEAD_RE.match(text, tail, end)
            start = lead.end() if lead else tail
            return self._indirect(start, end, found)
        return None

    def _indirect(self, start: int, end: int, found: Attribution) -> Quote | None:
        while start < end and self.text[start] in " ,:":
            start += 1
        if len(WORD_RE.findall(self.text, start, end)) < MIN_INDIRECT_WORDS:
            return None
        return self.quote(start, end, "indirect", found)


def _determined(prev: list[str]) -> bool:
    """A determiner right before the quote (or before one modifier), not after "as"."""
    words = [w.lower() for w in prev]
    last = words[-1]
    if last in lx.DETERMINERS or last.endswith(("'s", "’s")):
        return len(words) < 2 or words[-2] not in lx.AS_WORDS
    return len(words) == 2 and words[0] in lx.DETERMINERS
