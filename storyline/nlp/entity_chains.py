"""Coreference chains of one text: a `Resolver` builds one chain per person or organisation,
fullest names first, and finds the chain a name, a description or a pronoun refers to.

A chain keeps its name tokens, the roles its titles and role words name ("ministra" is a
"minister"), the gender they or a given name show, and how often and where it was last
mentioned outside quotations (salience). The rules that feed it are in `storyline.nlp.entities`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from storyline.model import MentionKind
from storyline.nlp import lexicon as lx
from storyline.nlp.entity_spans import PERSON, Parsed, strip_title
from storyline.nlp.marks import Span

CUE_GAP = 16  # chars after a name where a cue verb makes it a speaker ("Lavrov said")
TITLE_BEFORE_RE = re.compile(
    r"((?:[A-Z][\w.’'-]*\s+|(?i:of|the|de|des|du|del|la|le|el|"
    + "|".join(sorted(lx.ROLE_NOUNS))
    + r")\s+){1,6})$"
)  # "Foreign Minister", "la ministre des Finances"
APPOSITION_RE = re.compile(r"^,\s+(?:the|its|his|her|their|a|an)?\s*((?:[\w-]+\s+){0,3}?[\w-]+),")


@dataclass(slots=True)
class _Chain:
    label: str
    name: str
    tokens: tuple[str, ...] = ()
    roles: set[str] = field(default_factory=set)
    gender: str = ""
    count: int = 0
    last: int = -1


def _roles(words: set[str]) -> set[str]:
    """Title words with the roles they name in any language ("ministra" adds "minister")."""
    return words | {lx.ROLE_KEY[w] for w in words if w in lx.ROLE_KEY}


def _gender(first: str, words: set[str]) -> str:
    """The gender a title, a role word or the given name shows ("" when none does)."""
    shown = {lx.TITLE_GENDER.get(w) or lx.ROLE_GENDER.get(w) or "" for w in words} - {""}
    if shown:
        return shown.pop() if len(shown) == 1 else ""
    return lx.GIVEN_NAMES.get(first, "")


def _title_roles(text: str, start: int, end: int) -> set[str]:
    """Role words in the title before a name or in an apposition after it."""
    roles: set[str] = set()
    before = TITLE_BEFORE_RE.search(text[max(0, start - 80) : start])
    if before:
        words = {w.lower().rstrip(".") for w in before.group(1).split()}
        if words & lx.ROLE_NOUNS:
            roles |= words
    after = APPOSITION_RE.match(text[end : end + 60])
    if after and lx.ROLE_RE.search(after.group(1)):
        roles |= {w.lower() for w in after.group(1).split()}
    return roles


class Resolver:
    """Builds chains and mentions in text order; see `storyline.nlp.entities` for the rules."""

    def __init__(self, parsed: Parsed, quoted: list[Span]) -> None:
        self.text = parsed.text
        self.sent_starts = [s for s, _ in parsed.sentences]
        self.quote_starts = [q.start for q in quoted]
        self.quotes = quoted
        self.chains: list[_Chain] = []
        self.by_key: dict[str, int] = {}
        self.mentions: list[tuple[int, int, int, MentionKind]] = []
        self.speaking: set[int] = set()  # chains seen as the subject of a cue verb

    def in_quote(self, pos: int) -> bool:
        i = bisect_right(self.quote_starts, pos) - 1
        return i >= 0 and pos < self.quotes[i].end

    def sentence(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos) - 1

    def build_chains(self, spans: list[tuple[int, int, str]]) -> None:
        """One chain per person or organisation, fullest names first, so that a surname, a
        shorter form ("Container Terminals") or an acronym ("VCT") joins the full name."""
        for start, end, label in sorted(spans, key=lambda s: s[0] - s[1]):
            if label not in (PERSON, "ORG"):
                continue
            s, e, roles = (
                strip_title(self.text, start, end) if label == PERSON else (start, end, set())
            )
            tokens = tuple(self.text[s:e].lower().split())
            if not tokens:
                continue
            idx = self.find(tokens, label)
            if idx is None:
                idx = len(self.chains)
                self.chains.append(_Chain(label, self.text[s:e], tokens))
                self.by_key[" ".join(tokens)] = idx
            if label == PERSON:
                self.give_roles(idx, roles | _title_roles(self.text, s, e))

    def give_roles(self, idx: int, words: set[str]) -> None:
        """Roles for a person, and the gender they or the given name show."""
        chain = self.chains[idx]
        chain.roles |= _roles(words)
        chain.gender = chain.gender or _gender(chain.tokens[0], words)

    def find(self, tokens: tuple[str, ...], label: str) -> int | None:
        """The chain these name words belong to: one named in full, a fuller name holding all
        of them (a person's must end with the same surname), or an organisation's acronym."""
        idx = self.by_key.get(" ".join(tokens))
        if idx is not None:
            return idx
        want = set(tokens)
        acronym = len(tokens) == 1 and len(tokens[0]) > 1
        for i, c in enumerate(self.chains):
            if c.label == PERSON and want <= set(c.tokens) and tokens[-1] == c.tokens[-1]:
                return i
            if (
                c.label == "ORG" == label
                and len(c.tokens) > len(tokens)
                and (
                    want <= set(c.tokens)
                    or (acronym and tokens[0] == "".join(t[0] for t in c.tokens))
                )
            ):
                return i
        return None

    def add(self, start: int, end: int, idx: int, kind: MentionKind) -> None:
        self.mentions.append((start, end, idx, kind))
        if self.in_quote(start):
            return  # salience comes from the narration, not from words quoted
        if lx.cue_matches(self.text, end, end + CUE_GAP):
            self.speaking.add(idx)
        chain = self.chains[idx]
        chain.count += 1
        chain.last = start

    def name_mention(self, start: int, end: int, label: str) -> None:
        if label == PERSON:
            start, end, _ = strip_title(self.text, start, end)
        tokens = tuple(self.text[start:end].lower().split())
        if not tokens:
            return
        idx = self.find(tokens, label)
        if idx is None:
            idx = len(self.chains)
            self.by_key[" ".join(tokens)] = idx
            self.chains.append(_Chain(label, self.text[start:end], tokens))
        person = self.chains[idx].label == PERSON
        self.add(start, end, idx, "surname" if person and len(tokens) == 1 else "name")

    def holder(self, pos: int, head: str, modifiers: set[str], gender: str) -> int | None:
        """The person a description names: role holder nearest before, else first after,
        never one of another gender than the description shows ("la ministre")."""
        key = lx.ROLE_KEY.get(head.lower(), head.lower())
        want = lx.ROLE_SYNONYMS.get(key, key)
        generic = key in lx.GENERIC_ROLES
        best: tuple[int, int, int, int] | None = None
        best_idx = None
        for i, c in enumerate(self.chains):
            if c.label != PERSON or not c.roles or not (generic or want in c.roles):
                continue
            if c.gender and gender not in ("", c.gender):
                continue  # "la ministra" is not the minister named Aldo
            # a generic description ("the official") most often stands for the person quoted
            score = (
                len(modifiers & c.roles),
                int(generic and i in self.speaking),
                c.count if generic else 0,
                c.last if c.last <= pos else -c.last,
            )
            if best is None or score > best:
                best, best_idx = score, i
        return best_idx

    def pronoun(self, pos: int, gender: str) -> int | None:
        """The first person named in the nearest earlier sentence that names one."""
        nearest = -1
        found: list[int] = []
        for start, _, idx, _ in reversed(self.mentions):
            sent = self.sentence(start)
            if found and sent < nearest:
                break
            chain = self.chains[idx]
            if chain.label == PERSON and not self.in_quote(start) and _agrees(chain, gender):
                nearest = sent
                found.append(idx)  # reversed: the sentence's first person comes last
        speakers = [i for i in found if i in self.speaking]
        if speakers or found:
            return (speakers or found)[-1]
        mentioned = {idx for _, _, idx, _ in self.mentions}
        people = [
            i
            for i, c in enumerate(self.chains)
            if c.label == PERSON and i in mentioned and _agrees(c, gender)
        ]
        return max(people, key=lambda i: self.chains[i].count) if people else None


def _agrees(chain: _Chain, gender: str) -> bool:
    """Can a pronoun of `gender` ("" when it shows none: "son cabinet") refer to `chain`?"""
    return not gender or chain.gender in ("", gender)
