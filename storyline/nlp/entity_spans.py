"""The spans entity resolution reads: named-entity spans trimmed and relabelled, the names and
descriptions the name finder missed, and `Parsed`, the language-neutral view of an analysed text.

A span is (start, end, label). A name's edges are cleaned ("the", a possessive), titles at its
head are split off (`strip_title`), a given name or a title before capitalised words makes it a
person and an organisation word an organisation (`relabel`); a place name right before an
organisation's is part of it (`joined`). Names the finder missed (`missed_names`,
`unlabelled_surnames`) and the role, organisation and spokesperson descriptions that may stand
for an entity (`descriptions`) are found with the word lists of `lexicon`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from storyline.nlp import lexicon as lx

PERSON = "PERSON"
MAX_NAME_WORDS = 3  # a longer run of capitalised words after a given name is no person's name
NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP"})
PLACE_BEFORE_RE = re.compile(r"\b([A-ZÀ-ÖØ-Þ][\w-]+) $")
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
WORD_SPACE_RE = re.compile(r"\S+\s+")
WORD_RE = re.compile(r"\S+")
EDGE_RE = re.compile(r"^(?:(?i:the)\s+|[\"“”«»„‘’'―—–-]+\s*)|(?:['’]s|[’',.;:])$")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A language-neutral view of an analysed text: sentences and named-entity spans."""

    text: str
    sentences: tuple[tuple[int, int], ...]
    names: tuple[tuple[int, int, str], ...]


def clean_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a leading "the" or quote marks and dashes ("”—Jane Doe", a quote signed without
    spaces), a trailing possessive and punctuation from an entity span."""
    for _ in range(2):
        m = EDGE_RE.search(text[start:end])
        if m is None:
            break
        start, end = (start + m.end(), end) if m.start() == 0 else (start, start + m.start())
    return start, end


def strip_title(text: str, start: int, end: int) -> tuple[int, int, set[str]]:
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


def relabel(name: str, label: str) -> str:
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


def person_inside(text: str, start: int, end: int) -> int:
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


def joined(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
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


def missed_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
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


def unlabelled_surnames(
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


def descriptions(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
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
