"""Quotes: direct and partial quotations from quote marks, indirect speech from cue verbs.

A quoted span is *direct* when it stands as an utterance (at a paragraph start, after a colon,
a comma or a sentence end, starting with a capital) and *partial* when it is a phrase woven into
the reporter's sentence ("characterized Russia as "polite people""). Titles of works, names
("so-called "smart quay""), scare quotes (a word or two after a determiner, modifying the next
noun, or with no cue verb in the sentence) and partial quotes nobody is said to have said are
dropped; one whose sentence has a cue with no named subject is kept with no speaker ("Another
said X had "a curious habit""). A direct quote with no cue in its sentence takes the attribution
of the quote before it in its paragraph, none when its own cue's subject is unnamed ("“…,” one
aide said"), else of the next sentence (unless that opens a quote of its own), of a previous
sentence ending in a colon, of an interviewer's question ("Would she resign? “Never.”"), or of
the quote it continues. Indirect speech is read from the words outside quote marks: "X said
(that) ...", "according to X, ...", "..., X said", "..., sagte X", also beside a partial quote in
the same sentence ("X said the deal was off and "not coming back""), but never from a sentence
whose quote marks are scare quotes or a title.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from storyline.model import Quote, QuoteKind
from storyline.nlp import lexicon as lx
from storyline.nlp.attribution import CLAUSE_END_RE, CLOSED_QUOTE_RE, Attribution, Attributor
from storyline.nlp.marks import MARKS_RE, Span

SCARE_WORDS = 2  # quoted phrases this short after a determiner are scare quotes, not speech
TITLE_CASE_SHARE = 0.6  # share of capitalised words that makes a quoted phrase a title
MIN_INDIRECT_WORDS = 4  # shorter reported clauses are too thin to call indirect speech
NARRATIVE_WORDS = 3  # a quote with this many unattributed words around it is not speech
SOURCE_TAIL = 40  # chars from the end of a source to the comma that closes it ("Según la capitanía
# del puerto, ..."); a comma further on is inside the reported words ("nach Angaben ihres Büros
# wurde X gebeten, einen Schlichter zu ernennen")
CONTINUE_GAP = 2  # paragraphs a quote with no cue may be from the previous quote it continues
WORD_RE = re.compile(r"[\w’'-]+")
DATELINE_RE = re.compile(r"(?m)^[A-ZÀ-Þ][A-ZÀ-Þ .'-]+,[^\n]{0,40}?\s[-–—]\s+")
SENTENCE_BREAK_RE = re.compile(r"[.!?;]\s+\w")  # a quoted span holding two sentences is no title
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
        framed: set[int] = set()  # sentences with scare quotes, titles or names in quote marks
        said: dict[int, Attribution] = {}  # sentence -> the named speaker of a quote in it
        for span in spans:
            kind = self.kind(span)
            if kind is None:
                framed.add(_sentence_of(self.starts, span.start))
                continue
            found = self.attribute(span, kind, previous)
            if found is None:
                continue
            quotes.append(self.quote(span.start, span.end, kind, found))
            if found.mention is not None:
                said[_sentence_of(self.starts, max(span.start, span.end - 1))] = found
            if kind == "direct":
                previous = (span, found)
        quotes += self.indirect(framed, said)
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
            and not SENTENCE_BREAK_RE.search(content)  # German capitalises nouns: "…. Zwei …"
        ):
            return None
        utterance = not before or before[-1] in ":,.!?—–-" or span.orphan
        if utterance and (words[0][0].isupper() or span.orphan):
            return "direct"
        prev = before.split()[-2:] if before else []
        nxt = WORD_RE.match(text[span.close_at + 1 :].lstrip()) if span.close_at >= 0 else None
        if len(words) <= SCARE_WORDS and prev and _determined(prev):
            # "a result that “nobody expected,” said the coach": a comma, then its cue verb
            said_after = "," in text[span.end - 1 : span.close_at + 2]
            follows_noun = (
                nxt is not None
                and nxt.group().lower() not in lx.FUNCTION_WORDS
                and not (said_after and nxt.group().lower() in lx.CUE_VERBS)
            )
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
            cues = self.at.cues(lo, hi)
            # words someone is said to have said, even when the cue's subject goes unnamed
            # ("Another said X had "a curious habit""): kept, with no speaker
            return self.at.in_frame(lo, hi, open_at) or (
                Attribution(None, cues[0].group().lower()) if cues else None
            )
        found = (
            self.at.signed(close)
            or self.at.in_frame(close, hi, close)
            or self.at.in_frame(lo, open_at, open_at)
        )
        if found:
            return found
        if sourced := self.at.according(close, hi, unnamed=True):  # "“…,” according to a report"
            return sourced[1]
        if previous and previous[1].mention and "\n" not in self.text[previous[0].end : lo]:
            return _continuing(previous[1])  # "“…,” she said. “…”": the same speaker goes on
        cues_after = self.at.cues(close, hi)
        if cues_after and WORD_RE.search(self.text, close, cues_after[0].start()):
            # "“…,” one senior aide said": said by someone the text does not name
            return Attribution(None, cues_after[0].group().lower())
        if last + 1 < len(self.sentences):
            s, e = self.sentences[last + 1]
            opens_quote = MARKS_RE.match(self.text[s:e].lstrip()[:1])
            if (
                not opens_quote
                and not self.at.is_hidden(s)
                and (found := self.at.in_frame(s, e, s))
            ):
                return found  # "“…” \n Sarah Collins said so.", not the next quote's speaker
        if first > 0:
            s, e = self.sentences[first - 1]
            lead = self.text[s:e].rstrip()
            if lead.endswith(":") and (found := self.at.in_frame(s, e, e)):
                return found
            asked = self.at.first_speaker(s, e) if lead.endswith("?") else None
            if asked is not None and "\n" not in self.text[e:lo]:  # an interview's question
                return Attribution(asked, None)
        introduced = self.text[lo:open_at].rstrip().endswith((":", "?"))
        if introduced or cues_after:  # "X was brief: '...'", "«...», afirmó"
            subject = self.at.first_speaker(lo, open_at)
            if subject is not None:
                return Attribution(subject, None)
        narrative = self.text[lo:open_at] + self.text[close:hi]
        if len(WORD_RE.findall(narrative)) >= NARRATIVE_WORDS and not self.at.cues(lo, hi):
            return None  # words quoted inside the reporter's own sentence, said by nobody named
        if previous and self.text.count("\n", previous[0].end, span.start) <= CONTINUE_GAP:
            return _continuing(previous[1])
        return Attribution(None, None)

    def indirect(self, framed: set[int], said: dict[int, Attribution]) -> list[Quote]:
        """Reported speech, outside the quoted words and the sentences in `framed` (the
        reporter's own words, with scare quotes or a title in them); a sentence in the reported
        mood ("Beide Seiten hätten zugesagt, ...") right after one whose speaker is named, in
        the same paragraph, goes on with that speaker's words."""
        found: list[Quote] = []
        for i, (lo, hi) in enumerate(self.sentences):
            if i in framed:
                continue
            q = self.reported(lo, hi)
            before = said.get(i - 1)
            if (
                q is None
                and before
                and "\n" not in self.text[self.sentences[i - 1][1] : lo]
                and lx.REPORTED_MOOD_RE.search(self.text, lo, hi)
            ):
                q = self._indirect(lo, self._end(lo, hi), _continuing(before))
            if q is None:
                continue
            found.append(q)
            mention = self.at.mention_at(q.speaker_start) if q.speaker_start is not None else None
            if mention is not None:
                said[i] = Attribution(mention, q.cue, q.medium, q.via)
        return found

    def reported(self, lo: int, hi: int) -> Quote | None:
        """The indirect speech of one sentence, if it reports any: "according to X" first,
        then a cue verb with a speaker, then "according to" a source nobody names."""
        end = self._end(lo, hi)
        named = self.at.according(lo, hi)
        if named:
            return self.by_source(lo, end, *named)
        if (said := self.said(lo, hi, end)) is not None:
            return said
        unnamed = self.at.according(lo, hi, unnamed=True)
        return self.by_source(lo, end, *unnamed) if unnamed else None

    def by_source(self, lo: int, end: int, phrase: re.Match[str], acc: Attribution) -> Quote | None:
        """The words an "according to" phrase attributes: after it when it leads the sentence
        (up to its comma), before its comma when it trails, else the whole sentence."""
        text, m = self.text, acc.mention
        source, source_end = (m.start, m.end) if m else (phrase.end(), phrase.end())
        if source - lo < 20:  # "According to X, content"
            comma = text.find(",", source_end, min(end, source_end + SOURCE_TAIL))
            if comma < 0 and m is None:
                return None  # where an unnamed source's words end is unclear
            return self._indirect(comma + 1 if comma >= 0 else source_end, end, acc)
        cut = text.rfind(",", lo, phrase.start())  # "content, according to X"
        # else "Affected are according to the agency 14 batches": the whole sentence
        return self._indirect(lo, cut if cut > lo else end, acc)

    def said(self, lo: int, hi: int, end: int) -> Quote | None:
        """The words a cue verb with a speaker reports: "X said (that) ...", "..., X said",
        "..., sagte X"."""
        text = self.text
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
            elif CLOSED_QUOTE_RE.search(text, lo, cue.start()):
                return None  # "“…,” said X, speaking of Y": what X said is the quotation
            elif CLAUSE_END_RE.search(text, lo, cue.start()):  # "content, said X", "…, dijo X"
                return self._indirect(lo, text.rfind(",", lo, cue.start()), found)
            tail = max(cue.end(), speaker.end)
            if found.medium and (at := text.find(found.medium, tail, end)) >= 0:
                tail = at + len(found.medium)
            lead = LEAD_RE.match(text, tail, end)
            start = lead.end() if lead else tail
            return self._indirect(start, end, found)
        return None

    def _end(self, lo: int, hi: int) -> int:
        """Where a sentence's words end (before its full stop and closing marks)."""
        while hi > lo and self.text[hi - 1] in ' .\n"”':
            hi -= 1
        return hi

    def _indirect(self, start: int, end: int, found: Attribution) -> Quote | None:
        while start < end and self.text[start] in " ,:":
            start += 1
        if dateline := DATELINE_RE.match(self.text, start, end):
            start = dateline.end()  # "VALMERE, March 9 (VNW) - Dockworkers will ..."
        if self.at.is_hidden(start):
            return None  # the reported words are a quotation, found as one
        words = [
            w for w in WORD_RE.finditer(self.text, start, end) if not self.at.is_hidden(w.start())
        ]
        if len(words) < MIN_INDIRECT_WORDS:
            return None
        return self.quote(start, end, "indirect", found)


def _continuing(previous: Attribution) -> Attribution:
    """The attribution of a quote that goes on from the previous one (no cue of its own)."""
    return Attribution(previous.mention, None, previous.medium, previous.via)


def _determined(prev: list[str]) -> bool:
    """A determiner right before the quote (or before one modifier), not after "as"."""
    words = [w.lower() for w in prev]
    last = words[-1]
    if last in lx.DETERMINERS or last.endswith(("'s", "’s")):
        return len(words) < 2 or words[-2] not in lx.AS_WORDS
    return len(words) == 2 and words[0] in lx.DETERMINERS
