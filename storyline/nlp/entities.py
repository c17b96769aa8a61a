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

The spans it reads are found in entity_spans.py; the chains and the choice of a mention's
antecedent are in entity_chains.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.model import Entity, Mention
from storyline.nlp import lexicon as lx
from storyline.nlp.entity_chains import Resolver
from storyline.nlp.entity_spans import (
    PERSON,
    Parsed,
    clean_name,
    descriptions,
    joined,
    missed_names,
    person_inside,
    relabel,
    strip_title,
    unlabelled_surnames,
)
from storyline.nlp.marks import Span

NAME_LABELS = frozenset({"PERSON", "PER", "ORG", "MISC"})  # spans a person's name may hide in
LABELS = {"PER": PERSON, "LOC": "LOC", "MISC": "MISC"}  # French labels → spaCy's English ones
FOR_RE = re.compile(r"\s+(?i:for|of|at|von|vom|der|des|du|de|del)\s+(?:(?i:the|la|le|el)\s+)?")


@dataclass(frozen=True, slots=True)
class Coref:
    """The entities of one text and the mentions that refer to them (sorted by start)."""

    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]


def resolve(parsed: Parsed, quoted: list[Span]) -> Coref:
    """Entities and mentions of `parsed.text`; `quoted` spans are never pronoun antecedents."""
    text = parsed.text
    r = Resolver(parsed, quoted)
    spans = []
    for start, end, label in parsed.names:
        s, e = clean_name(text, start, end)
        if any(ch.isalnum() for ch in text[s:e]):
            s = person_inside(text, s, e) if label in NAME_LABELS else s
            spans.append((s, e, relabel(text[s:e], LABELS.get(label, label))))
    spans = joined(text, spans) + missed_names(text, spans)
    # a single word that starts an organisation's name is that organisation ("Corvane's chief")
    firsts = {text[s:e].split()[0] for s, e, lab in spans if lab == "ORG" and " " in text[s:e]}
    spans = [(s, e, "ORG" if lab == PERSON and text[s:e] in firsts else lab) for s, e, lab in spans]
    r.build_chains(spans)
    surnames = {c.name.split()[-1] for c in r.chains if c.label == PERSON and len(c.tokens) > 1}
    spans = [(s, e, PERSON if text[s:e] in surnames else lab) for s, e, lab in spans]
    spans += unlabelled_surnames(text, spans, surnames)
    events: list[tuple[int, int, str, str]] = [(s, e, "name", lab) for s, e, lab in spans]
    spans.sort()
    taken = [(s, e) for s, e, _ in spans]
    events += descriptions(text, taken)
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


def _spoken_for(r: Resolver, start: int, end: int, names: list[tuple[int, int, str]]) -> int | None:
    """Whom an unnamed spokesperson speaks for: the name in the phrase ("a VCT spokeswoman", "a
    spokesman for the agency X"), else the organisation of the kind it names ("a company
    spokeswoman") or any, mentioned last before it."""
    tail = FOR_RE.match(r.text, end)
    for s, e, label in names:
        if label in (PERSON, "ORG") and (start <= s < end or (tail and s == tail.end())):
            s, e, _ = strip_title(r.text, s, e) if label == PERSON else (s, e, set())
            return r.find(tuple(r.text[s:e].lower().split()), label)
    words = r.text[start:end].lower().split()[1:-1]
    kinds = {lx.ORG_KEY[w] for w in words if w in lx.ORG_KEY}
    orgs = [i for i, c in enumerate(r.chains) if c.label == "ORG" and 0 <= c.last <= start]
    fitting = [i for i in orgs if kinds & lx.org_kinds(r.chains[i].tokens)] or orgs
    return max(fitting, key=lambda i: r.chains[i].last) if fitting else None


def _resolve_description(
    r: Resolver, start: int, end: int, kind: str, names: list[tuple[int, int, str]]
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
        s, e, _ = strip_title(r.text, s, e)
        idx = r.find(tuple(r.text[s:e].lower().split()), label) if label == PERSON else None
        if idx is not None:
            r.give_roles(idx, set(words))
    else:
        gender = lx.ROLE_GENDER.get(head) or lx.ARTICLE_GENDER.get(words[0], "")
        idx = r.holder(start, head, modifiers, gender)
    if idx is not None:
        r.add(start, end, idx, "title" if kind == "title" else "description")


def _finish(r: Resolver) -> Coref:
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
