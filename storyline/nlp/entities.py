"""Entities and in-article coreference, rule-based and linear in the number of mentions.

Input is a `Parsed` text: sentence spans and named-entity spans from spaCy (or the fallback
name finder). People are grouped by name (a surname alone joins the fullest name that ends with
it); titles before a name ("Foreign Minister Sergey Lavrov") are stripped and remembered as the
person's roles. Descriptions ("the minister", "Russia's top diplomat", "the Kremlin leader")
then go to the person who holds that role (the nearest such person before, else the first after);
generic ones ("the Russian official") to the most mentioned titled person so far. Pronouns go to
the first person named in the nearest preceding sentence that names one, never to a name inside
a quotation, and never against a gender already seen for that person.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from storyline.model import Entity, Mention, MentionKind
from storyline.nlp import lexicon as lx
from storyline.nlp.marks import Span

PERSON = "PERSON"
CUE_GAP = 16  # chars after a name where a cue verb makes it a speaker ("Lavrov said")
LABELS = {"PER": PERSON, "LOC": "LOC", "MISC": "MISC"}  # French labels → spaCy's English ones
TITLE_BEFORE_RE = re.compile(r"((?:[A-Z][\w.’'-]*\s+|of\s+|the\s+|de\s+){1,6})$")
APPOSITION_RE = re.compile(r"^,\s+(?:the|its|his|her|their|a|an)?\s*((?:[\w-]+\s+){0,3}?[\w-]+),")
DESC_RE = re.compile(
    r"\b(?:(?i:the|le|la|l['’]|der|die|el)\s+|([A-Z][\w-]*(?:'s|’s))\s+)"
    rf"((?:[\w-]+\s+){{0,2}}?)(?i:({'|'.join(sorted(lx.ROLE_NOUNS | lx.GENERIC_ROLES))}))\b"
)
ORG_DESC_RE = re.compile(
    rf"\b(?i:the|its|le|la|l['’]|die|der|el)\s+(?i:({'|'.join(sorted(lx.ORG_HEADS))}))\b"
)
WORD_SPACE_RE = re.compile(r"\S+\s+")
EDGE_RE = re.compile(r"^(?:(?i:the)\s+)|(?:['’]s|[’',.;:])$")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A language-neutral view of an analysed text: sentences and named-entity spans."""

    text: str
    sentences: tuple[tuple[int, int], ...]
    names: tuple[tuple[int, int, str], ...]


@dataclass(slots=True)
class _Chain:
    label: str
    name: str
    tokens: tuple[str, ...] = ()
    roles: set[str] = field(default_factory=set)
    gender: str = ""
    count: int = 0
    last: int = -1


@dataclass(frozen=True, slots=True)
class Coref:
    """The entities of one text and the mentions that refer to them (sorted by start)."""

    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]


def _clean_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a leading "the", a trailing possessive and punctuation from an entity span."""
    for _ in range(2):
        m = EDGE_RE.search(text[start:end])
        if m is None:
            break
        start, end = (start + m.end(), end) if m.start() == 0 else (start, start + m.start())
    return start, end


def _strip_title(text: str, start: int, end: int) -> tuple[int, int, set[str]]:
    """Move title words at the head of a person span ("President Putin") out of the name."""
    roles: set[str] = set()
    base = start
    for m in WORD_SPACE_RE.finditer(text, base, end):
        word = m.group().strip().lower()
        if word not in lx.TITLE_WORDS or m.end() >= end:
            break
        roles.add(word)
        start = m.end()
    return start, end, roles


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


class _Resolver:
    """Builds chains and mentions in text order; see the module docstring for the rules."""

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
                _strip_title(self.text, start, end) if label == PERSON else (start, end, set())
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
                self.chains[idx].roles |= roles | _title_roles(self.text, s, e)

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
            start, end, _ = _strip_title(self.text, start, end)
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

    def holder(self, pos: int, head: str, modifiers: set[str]) -> int | None:
        """The person a description names: role holder nearest before, else first after."""
        head = head.lower()
        want = lx.ROLE_SYNONYMS.get(head, head)
        generic = head in lx.GENERIC_ROLES
        best: tuple[int, int, int, int] | None = None
        best_idx = None
        for i, c in enumerate(self.chains):
            if c.label != PERSON or not c.roles or not (generic or want in c.roles):
                continue
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
            if chain.label == PERSON and not self.in_quote(start) and chain.gender in ("", gender):
                nearest = sent
                found.append(idx)  # reversed: the sentence's first person comes last
        speakers = [i for i in found if i in self.speaking]
        if speakers or found:
            return (speakers or found)[-1]
        mentioned = {idx for _, _, idx, _ in self.mentions}
        people = [
            i
            for i, c in enumerate(self.chains)
            if c.label == PERSON and i in mentioned and c.gender in ("", gender)
        ]
        return max(people, key=lambda i: self.chains[i].count) if people else None


def resolve(parsed: Parsed, quoted: list[Span]) -> Coref:
    """Entities and mentions of `parsed.text`; `quoted` spans are never pronoun antecedents."""
    text = parsed.text
    r = _Resolver(parsed, quoted)
    spans = []
    for start, end, label in parsed.names:
        s, e = _clean_name(text, start, end)
        if any(ch.isalnum() for ch in text[s:e]):
            spans.append((s, e, _relabel(text[s:e], LABELS.get(label, label))))
    r.build_chains(spans)
    spans += _unlabelled_surnames(text, spans, r.chains)
    events: list[tuple[int, int, str, str]] = [(s, e, "name", lab) for s, e, lab in spans]
    taken = [(s, e) for s, e, _ in spans]
    events += _descriptions(text, taken)
    events += [
        (m.start(), m.end(), "pronoun", lx.PRONOUNS[m.group().lower()])
        for m in lx.PRONOUN_RE.finditer(text)
        if not r.in_quote(m.start())
    ]
    for start, end, kind, info in sorted(events):
        if kind == "name":
            r.name_mention(start, end, info)
        elif kind == "pronoun":
            idx = r.pronoun(start, info)
            if idx is not None:
                r.chains[idx].gender = info
                r.add(start, end, idx, "pronoun")
        else:
            _resolve_description(r, start, end, kind)
    return _finish(r)


def _relabel(name: str, label: str) -> str:
    """A title before capitalised words is a person, whatever the model said ("Mayor X Y")."""
    words = name.split()
    titled = len(words) > 1 and words[0].lower() in lx.ROLE_NOUNS and words[0][0].isupper()
    return PERSON if titled and all(w[0].isupper() for w in words[1:]) else label


def _unlabelled_surnames(
    text: str, spans: list[tuple[int, int, str]], chains: list[_Chain]
) -> list[tuple[int, int, str]]:
    """Occurrences of a known person's surname the name finder missed ("Lavrov said")."""
    surnames = {c.name.split()[-1] for c in chains if c.label == PERSON and len(c.tokens) > 1}
    if not surnames:
        return []
    covered = sorted((s, e) for s, e, _ in spans)
    starts = [s for s, _ in covered]
    found = []
    for m in re.finditer(rf"\b(?:{'|'.join(map(re.escape, surnames))})\b", text):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or covered[i][1] <= m.start():
            found.append((m.start(), m.end(), PERSON))
    return found


def _descriptions(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    """Role and organisation descriptions not part of a name or of a title before one."""
    starts = [s for s, _ in taken]
    found: list[tuple[int, int, str, str]] = []
    for m in DESC_RE.finditer(text):
        i = bisect_right(starts, m.end()) - 1
        nxt = bisect_right(starts, m.end())
        # only a name over the head noun rules a description out: its modifiers are often
        # names themselves ("the Russian official", "the Kremlin leader")
        overlaps = i >= 0 and taken[i][1] > m.start(3)
        titles_name = nxt < len(taken) and not text[m.end() : taken[nxt][0]].strip()
        if not overlaps and not titles_name:
            kind = "title" if m.group(1) is None and not m.group(2) else "description"
            found.append((m.start(), m.end(), kind, ""))
    found += [(m.start(), m.end(), "org", "") for m in ORG_DESC_RE.finditer(text)]
    return found


def _resolve_description(r: _Resolver, start: int, end: int, kind: str) -> None:
    words = r.text[start:end].replace("’s", "").replace("'s", "").lower().split()
    head = words[-1]
    if kind == "org":
        orgs = [i for i, c in enumerate(r.chains) if c.label == "ORG" and head in c.tokens]
        if orgs:
            r.add(
                start,
                end,
                max(orgs, key=lambda i: (r.chains[i].last <= start, r.chains[i].count)),
                "description",
            )
        return
    modifiers = {lx.ROLE_SYNONYMS.get(head, head), *words[:-1]}
    idx = r.holder(start, head, modifiers)
    if idx is not None:
        r.add(start, end, idx, "title" if kind == "title" else "description")


def _finish(r: _Resolver) -> Coref:
    """Number the chains that have mentions in order of first mention."""
    order: dict[int, int] = {}
    mentions = []
    for start, end, idx, kind in sorted(r.mentions):
        new = order.setdefault(idx, len(order))
        chain = r.chains[idx]
        mentions.append(
            Mention(
                start=start,
                end=end,
                text=r.text[start:end],
                label=chain.label,
                entity=new,
                kind=kind,
            )
        )
    entities = [
        Entity(id=new, label=r.chains[idx].label, name=r.chains[idx].name)
        for idx, new in sorted(order.items(), key=lambda kv: kv[1])
    ]
    return Coref(tuple(entities), tuple(mentions))
