"""Entities and in-article coreference, rule-based and linear in the number of mentions.

Input is a `Parsed` text: sentence spans and named-entity spans from spaCy (or the fallback
name finder). People are grouped by name (a surname alone joins the fullest name that ends with
it); titles before a name ("Foreign Minister Sergey Lavrov") are stripped and remembered as the
person's roles, as is a description in apposition before it ("la ministra de Finanzas, Helena
Strand"); a role word stands for its role in every language ("ministra" is a "minister").
Descriptions ("the minister", "Russia's top diplomat", "the Kremlin leader")
then go to the person who holds that role (the nearest such person before, else the first after);
generic ones ("the Russian official") to the most mentioned titled person so far. Pronouns go to
the first person named in the nearest preceding sentence that names one, never to a name inside
a quotation, and never against the gender a person's title, role word ("Bürgermeisterin") or
common given name shows, or a pronoun already used for them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from storyline.model import Entity, Mention, MentionKind
from storyline.nlp import lexicon as lx
from storyline.nlp.marks import Span

PERSON = "PERSON"
MAX_NAME_WORDS = 3  # a longer run of capitalised words after a given name is no person's name
NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP"})
NAME_LABELS = frozenset({"PERSON", "PER", "ORG", "MISC"})  # spans a person's name may hide in
PLACE_BEFORE_RE = re.compile(r"\b([A-ZÀ-ÖØ-Þ][\w-]+) $")
CUE_GAP = 16  # chars after a name where a cue verb makes it a speaker ("Lavrov said")
LABELS = {"PER": PERSON, "LOC": "LOC", "MISC": "MISC"}  # French labels → spaCy's English ones
TITLE_BEFORE_RE = re.compile(
    r"((?:[A-Z][\w.’'-]*\s+|(?i:of|the|de|des|du|del|la|le|el|"
    + "|".join(sorted(lx.ROLE_NOUNS))
    + r")\s+){1,6})$"
)  # "Foreign Minister", "la ministre des Finances"
APPOSITION_RE = re.compile(r"^,\s+(?:the|its|his|her|their|a|an)?\s*((?:[\w-]+\s+){0,3}?[\w-]+),")
DESC_RE = re.compile(
    r"\b(?:(?i:the|le|la|der|die|el)\s+|(?i:l['’])|([A-Z][\w-]*(?:'s|’s|s'|s’))\s+)"
    rf"((?:[\w-]+\s+){{0,2}}?)(?i:({'|'.join(sorted(lx.ROLE_NOUNS | lx.GENERIC_ROLES))}))\b"
)
ORG_DESC_RE = re.compile(
    r"\b(?:(?i:the|its|le|la|die|der|das|den|dem|el)\s+|(?i:l['’]))"
    rf"(?i:({'|'.join(sorted(lx.ORG_HEADS))}))\b"
)
# Between a description and the name it stands in apposition to: "la ministra de Finanzas, Helena
# Strand", "die Direktorin der Agentur (MSA), Renata Silvestri", "la mediadora, la exjueza X".
APPOSED_RE = re.compile(r"[^.;:!?\n,]{0,60}?(?:\([^)\n]{1,20}\))?,\s+(?:[a-zß-ÿ][\w-]*\s+){0,2}")
# A capitalised word and one to three more, at every word start (overlapping: "Dr Renata Silvestri")
FULL_NAME_RE = re.compile(r"\b(?=([A-ZÀ-ÖØ-Þ][a-zß-ÿ]+)((?:[^\S\n]+[A-ZÀ-ÖØ-Þ][\w’'-]+){1,3}))")
NOT_NAME_WORDS = lx.DETERMINERS | lx.FUNCTION_WORDS
SPOKES_RE = re.compile(
    r"\b(?i:a|an|ein|eine|einer|un|une|una)\s+(?:[\w-]+\s+)?(?i:"
    + "|".join(sorted(w for w, k in lx.ROLE_KEY.items() if k == "spokesperson"))
    + r")\b"
)
FOR_RE = re.compile(r"\s+(?i:for|of|at|von|vom|der|des|du|de|del)\s+(?:(?i:the|la|le|el)\s+)?")
WORD_SPACE_RE = re.compile(r"\S+\s+")
WORD_RE = re.compile(r"\S+")
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


def resolve(parsed: Parsed, quoted: list[Span]) -> Coref:
    """Entities and mentions of `parsed.text`; `quoted` spans are never pronoun antecedents."""
    text = parsed.text
    r = _Resolver(parsed, quoted)
    spans = []
    for start, end, label in parsed.names:
        s, e = _clean_name(text, start, end)
        if any(ch.isalnum() for ch in text[s:e]):
            s = _person_inside(text, s, e) if label in NAME_LABELS else s
            spans.append((s, e, _relabel(text[s:e], LABELS.get(label, label))))
    spans = _joined(text, spans) + _missed_names(text, spans)
    # a single word that starts an organisation's name is that organisation ("Corvane's chief")
    firsts = {text[s:e].split()[0] for s, e, lab in spans if lab == "ORG" and " " in text[s:e]}
    spans = [(s, e, "ORG" if lab == PERSON and text[s:e] in firsts else lab) for s, e, lab in spans]
    r.build_chains(spans)
    surnames = {c.name.split()[-1] for c in r.chains if c.label == PERSON and len(c.tokens) > 1}
    spans = [(s, e, PERSON if text[s:e] in surnames else lab) for s, e, lab in spans]
    spans += _unlabelled_surnames(text, spans, surnames)
    events: list[tuple[int, int, str, str]] = [(s, e, "name", lab) for s, e, lab in spans]
    spans.sort()
    taken = [(s, e) for s, e, _ in spans]
    events += _descriptions(text, taken)
    offices = [
        (m.start(), m.end(), "pronoun", lx.POSSESSIVES[m.group(1).lower()])
        for m in lx.OFFICE_RE.finditer(text)
        if not r.in_quote(m.start())
    ]
    taken_by_office = {start for start, _, _, _ in offices}
    events += offices + [
        (m.start(), m.end(), "pronoun", lx.PRONOUNS[m.group().lower()])
        for m in lx.PRONOUN_RE.finditer(text)
        if not r.in_quote(m.start()) and m.start() not in taken_by_office
    ]
    for start, end, kind, info in sorted(events):
        if kind == "name":
            r.name_mention(start, end, info)
        elif kind == "pronoun":
            idx = r.pronoun(start, info)
            if idx is not None:
                r.chains[idx].gender = r.chains[idx].gender or info
                r.add(start, end, idx, "pronoun")
        else:
            _resolve_description(r, start, end, kind, spans)
    return _finish(r)


def _relabel(name: str, label: str) -> str:
    """A title or a given name before capitalised words is a person, an organisation word in a
    name an organisation, whatever the model said ("Mayor X Y", "Helena Strand")."""
    words = name.split()
    lowered = tuple(w.lower() for w in words)
    if len(words) > 1 and (lx.org_kinds(lowered) or set(lowered) & lx.COMPANY_SUFFIXES):
        return "ORG"  # "Valmere Container Terminals", whatever the model said
    first = lowered[0]
    person = len(words) > 1 and (first in lx.ROLE_NOUNS or first in lx.GIVEN_NAMES)
    short = len(words) <= MAX_NAME_WORDS and label not in NUMERIC_LABELS
    if person and short and words[0][0].isupper() and all(w[0].isupper() for w in words[1:]):
        return PERSON
    return label


def _person_inside(text: str, start: int, end: int) -> int:
    """Where a person's name starts inside a longer span: at a given name followed only by
    capitalised words ("Finances Helena Strand" -> "Helena Strand")."""
    words = [(start + m.start(), m.group()) for m in WORD_RE.finditer(text[start:end])]
    for k in range(1, len(words)):
        rest = words[k:]
        if (
            rest[0][1].lower() in lx.GIVEN_NAMES
            and 2 <= len(rest) <= MAX_NAME_WORDS
            and all(w[:1].isupper() for _, w in rest)
        ):
            return rest[0][0]
    return start


def _joined(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A place name right before an organisation's is part of it ("Valmere" + "Container
    Terminals" is "Valmere Container Terminals"), also where the name finder saw the word only
    inside other names of the text ("the Port of Valmere")."""
    places = {w for s, e, _ in spans for w in text[s:e].split() if w[:1].isupper()}
    places -= {w.capitalize() for w in lx.DETERMINERS | lx.FUNCTION_WORDS}
    out: list[tuple[int, int, str]] = []
    for s, e, label in sorted(spans):
        if out and label == "ORG" and out[-1][2] in PLACE_LABELS and text[out[-1][1] : s] == " ":
            out[-1] = (out[-1][0], e, "ORG")
            continue
        word = PLACE_BEFORE_RE.search(text, max(0, s - 40), s)
        if (
            label == "ORG"
            and word
            and word.group(1) in places
            and (not out or out[-1][1] <= word.start())
        ):
            s = word.start(1)
        out.append((s, e, label))
    return out


def _missed_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Names the name finder missed: a given name and a capitalised surname ("Dr Renata
    Silvestri told"), capitalised words ending in a company word ("Nordlys Maritime GmbH")."""
    covered = sorted((s, e) for s, e, _ in spans)
    starts = [s for s, _ in covered]
    found: list[tuple[int, int, str]] = []
    for m in FULL_NAME_RE.finditer(text):
        start, end = m.start(1), m.end(2)
        words = tuple(text[start:end].lower().split())
        if words[0] in lx.GIVEN_NAMES and len(words) <= MAX_NAME_WORDS:
            label = PERSON
        elif words[-1] in lx.COMPANY_SUFFIXES and words[0] not in NOT_NAME_WORDS:
            label = "ORG"
        else:
            continue
        i = bisect_right(starts, end) - 1
        if (not found or found[-1][1] <= start) and (i < 0 or covered[i][1] <= start):
            found.append((start, end, label))
    return found


def _unlabelled_surnames(
    text: str, spans: list[tuple[int, int, str]], surnames: set[str]
) -> list[tuple[int, int, str]]:
    """Occurrences of a known person's surname the name finder missed ("Lavrov said")."""
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
        if overlaps or titles_name:
            continue
        kind = "title" if m.group(1) is None and not m.group(2) else "description"
        gap = APPOSED_RE.match(text, m.end())
        named = bisect_right(starts, gap.end()) - 1 if gap else -1
        if gap and named >= 0 and taken[named][0] == gap.end():
            kind = f"apposed:{named}"  # the description names the person right after it
        found.append((m.start(), m.end(), kind, ""))
    for m in ORG_DESC_RE.finditer(text):
        i = bisect_right(starts, m.end()) - 1
        if i < 0 or taken[i][1] <= m.start():  # "der Gewerkschaft Nordhafen" is a name
            found.append((m.start(), m.end(), "org", ""))
    found += [(m.start(), m.end(), "spokes", "") for m in SPOKES_RE.finditer(text)]
    return found


def _spoken_for(
    r: _Resolver, start: int, end: int, names: list[tuple[int, int, str]]
) -> int | None:
    """Whom an unnamed spokesperson speaks for: the name in the phrase ("a VCT spokeswoman", "a
    spokesman for the agency X"), else the organisation of the kind it names ("a company
    spokeswoman") or any, mentioned last before it."""
    tail = FOR_RE.match(r.text, end)
    for s, e, label in names:
        if label in (PERSON, "ORG") and (start <= s < end or (tail and s == tail.end())):
            s, e, _ = _strip_title(r.text, s, e) if label == PERSON else (s, e, set())
            return r.find(tuple(r.text[s:e].lower().split()), label)
    words = r.text[start:end].lower().split()[1:-1]
    kinds = {lx.ORG_KEY[w] for w in words if w in lx.ORG_KEY}
    orgs = [i for i, c in enumerate(r.chains) if c.label == "ORG" and 0 <= c.last <= start]
    fitting = [i for i in orgs if kinds & lx.org_kinds(r.chains[i].tokens)] or orgs
    return max(fitting, key=lambda i: r.chains[i].last) if fitting else None


def _resolve_description(
    r: _Resolver, start: int, end: int, kind: str, names: list[tuple[int, int, str]]
) -> None:
    words = r.text[start:end].replace("’s", "").replace("'s", "").lower().split()
    head = words[-1]
    if kind == "spokes":
        idx = _spoken_for(r, start, end, names)
        if idx is not None:
            r.add(start, end, idx, "description")
        return
    if kind == "org":
        kind_of = lx.ORG_KEY.get(head.removeprefix("l'").removeprefix("l’"), head)
        orgs = [
            i
            for i, c in enumerate(r.chains)
            if c.label == "ORG" and (head in c.tokens or kind_of in lx.org_kinds(c.tokens))
        ]
        if orgs:
            r.add(
                start,
                end,
                max(orgs, key=lambda i: (r.chains[i].last <= start, r.chains[i].count)),
                "description",
            )
        return
    key = lx.ROLE_KEY.get(head, head)
    modifiers = {lx.ROLE_SYNONYMS.get(key, key), *words[:-1]}
    if kind.startswith("apposed:"):
        s, e, label = names[int(kind.partition(":")[2])]
        s, e, _ = _strip_title(r.text, s, e)
        idx = r.find(tuple(r.text[s:e].lower().split()), label) if label == PERSON else None
        if idx is not None:
            r.give_roles(idx, set(words))
    else:
        gender = lx.ROLE_GENDER.get(head) or lx.ARTICLE_GENDER.get(words[0], "")
        idx = r.holder(start, head, modifiers, gender)
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
