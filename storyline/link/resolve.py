"""Cross-article entity resolution: one canonical entity per person, organisation or place.

`resolve_entities(store)` reads every in-article entity (table `entities`), groups them across
articles, and replaces the automatic result (`canonical_entities`, `entity_links`) in one
transaction, then replays the user's alias edits (`alias_edits`, in the order made) so that
`storyline entities merge/split` survive every re-run.

People are grouped by `names.compatible` in three passes, strongest evidence first:

1. spelled-out names (given name + surname) with equal keys, then near spellings, merging two
   groups only if every pair of given names across them is compatible (so "R. Fico" can never
   chain "Robert Fico" and "Peter Fico" together: initials are not used in this pass);
2. an initial and a surname ("S. Lavrov") joins the one group it fits, else its own;
3. a surname alone ("Peskov") joins the one group whose surname matches; with none it forms
   a group with the other lone mentions of that surname, and with several (a "Fico" where both
   Robert and Peter Fico are known) it stays on its own, ambiguous.

Organisations and places are grouped by `names.org_key` (case, diacritics, script, leading
article and possessive ignored). Other labels (dates, numbers, ...) are not linked. An entity
whose name is only a description ("the Kremlin leader") is not linked either.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rapidfuzz import fuzz, process

from storyline.errors import StorylineError
from storyline.link.names import (
    NAME_SIMILARITY,
    PersonName,
    clean_org,
    compatible,
    fold,
    org_key,
    parse_person,
    similar,
)
from storyline.store.db import Store

log = logging.getLogger(__name__)

# spaCy labels (English and French models) to the kind of entity resolved across articles.
LABEL_KINDS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE"}
# Mention kinds listed as variants of a canonical entity (pronouns are not names).
VARIANT_KINDS = ("name", "surname", "title", "description")
# Surnames compared per rapidfuzz `cdist` call: bounds its score matrix (rows × all surnames).
_CDIST_ROWS = 1000
_NON_LATIN = "\u0250"  # letters from here on (IPA, Greek, Cyrillic, ...) are not Latin script

MemberKey = tuple[str, int]  # (article id, in-article entity id)


@dataclass(frozen=True, slots=True)
class Member:
    """One in-article entity to resolve."""

    article_id: str
    entity: int
    kind: str  # PERSON | ORG | GPE
    name: str  # as the article gives it
    display: str  # titles (persons) or article and possessive (others) stripped
    person: PersonName | None = None

    @property
    def key(self) -> MemberKey:
        """The member's identity in the store."""
        return (self.article_id, self.entity)


@dataclass
class Cluster:
    """A group of in-article entities that are one real-world entity."""

    members: list[Member]
    name: str = ""

    @property
    def kind(self) -> str:
        """The most common kind among the members."""
        return Counter(m.kind for m in self.members).most_common(1)[0][0]


@dataclass
class ResolveReport:
    """What a resolution run did: entities read and linked, canonical entities, edits replayed."""

    entities: int = 0
    linked: int = 0
    canonical: int = 0
    edits_applied: int = 0
    edits_skipped: list[int] = field(default_factory=list)  # alias_edits ids that found no entity


def make_member(article_id: str, entity: int, label: str, name: str) -> Member | None:
    """A member to resolve, or None for labels not linked and names that are only descriptions."""
    kind = LABEL_KINDS.get(label)
    if kind is None:
        return None
    if kind == "PERSON":
        person = parse_person(name)
        if person is None:
            return None
        return Member(article_id, entity, kind, name, person.display, person)
    display = clean_org(name)
    if not org_key(display):
        return None
    return Member(article_id, entity, kind, name, display)


# -- grouping --------------------------------------------------------------------------------


def _person(m: Member) -> PersonName:
    assert m.person is not None  # every PERSON member has one (make_member)
    return m.person


def _group_people(members: Sequence[Member]) -> list[list[Member]]:
    """Group person mentions across articles (the three passes in the module docstring)."""
    full: dict[tuple[str, str], list[Member]] = defaultdict(list)
    initials: dict[tuple[str, str], list[Member]] = defaultdict(list)
    lone: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        p = _person(m)
        if p.full:
            full[(p.given, p.surname)].append(m)
        elif p.has_given:
            initials[(p.initial, p.surname)].append(m)
        else:
            lone[p.surname].append(m)
    groups = _merge_full_names(full)
    index = _SurnameIndex()
    for i, g in enumerate(groups):
        index.add(_person(g[0]).surname, i)

    def place(ms: list[Member], fits: set[int]) -> None:
        if len(fits) == 1:
            groups[fits.pop()].extend(ms)
        else:  # unknown, or ambiguous between several people: an entity of its own
            groups.append(ms)
            index.add(_person(ms[0]).surname, len(groups) - 1)

    for (_, surname), ms in sorted(initials.items()):
        near = index.near(surname)
        place(ms, {i for i in near if any(compatible(_person(ms[0]), _person(x))
                                          for x in groups[i])})  # fmt: skip
    for surname, ms in sorted(lone.items()):
        place(ms, index.near(surname))
    return groups


class _SurnameIndex:
    """Which groups hold which surname skeletons, searchable by near spelling (rapidfuzz)."""

    def __init__(self) -> None:
        self.groups: dict[str, set[int]] = defaultdict(set)
        self.surnames: list[str] = []

    def add(self, surname: str, group: int) -> None:
        if surname not in self.groups:
            self.surnames.append(surname)
        self.groups[surname].add(group)

    def near(self, surname: str) -> set[int]:
        """The groups whose surname is `surname` or a near spelling of it."""
        hits = process.extract(
            surname, self.surnames, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=None
        )
        found = {surname} if surname in self.groups else set()
        found |= {s for s, _, _ in hits if similar(surname, s)}
        return {i for s in found for i in self.groups[s]}


def _merge_full_names(full: dict[tuple[str, str], list[Member]]) -> list[list[Member]]:
    """Merge groups of spelled-out names, most alike first, never joining two groups that hold
    incompatible given names. Candidate pairs share a surname or a near spelling of it."""
    keys = sorted(full)
    reps = {k: _person(full[k][0]) for k in keys}
    by_surname: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for k in keys:
        by_surname[k[1]].append(k)
    surnames = sorted(by_surname)
    pairs = []
    for start in range(0, len(surnames), _CDIST_ROWS):
        block = surnames[start : start + _CDIST_ROWS]
        scores = process.cdist(
            block, surnames, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, workers=-1
        )
        for i, j in zip(*scores.nonzero(), strict=True):
            sa, sb = block[int(i)], surnames[int(j)]
            if sa <= sb and similar(sa, sb):
                pairs += [
                    (x, y)
                    for x in by_surname[sa]
                    for y in by_surname[sb]
                    if (sa < sb or x < y) and compatible(reps[x], reps[y])
                ]
    # Same surname first, then same given-name key, then key order (deterministic).
    pairs.sort(key=lambda ab: (ab[0][1] != ab[1][1], ab[0][0] != ab[1][0], ab))
    owner = {k: i for i, k in enumerate(keys)}
    groups: dict[int, list[tuple[str, str]]] = {i: [k] for i, k in enumerate(keys)}
    for a, b in pairs:
        ga, gb = owner[a], owner[b]
        if ga == gb:
            continue
        if all(compatible(reps[x], reps[y]) for x in groups[ga] for y in groups[gb]):
            for k in groups.pop(gb):
                owner[k] = ga
                groups[ga].append(k)
    return [[m for k in ks for m in full[k]] for _, ks in sorted(groups.items())]


def group_members(members: Iterable[Member]) -> list[Cluster]:
    """Group members into clusters (automatic resolution, before alias edits); pure."""
    by_kind: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        by_kind[m.kind].append(m)
    groups = _group_people(by_kind.pop("PERSON", []))
    for ms in by_kind.values():
        by_key: dict[str, list[Member]] = defaultdict(list)
        for m in ms:
            by_key[org_key(m.display)].append(m)
        groups.extend(by_key.values())
    clusters = [Cluster(members=g) for g in groups if g]
    for c in clusters:
        c.name = choose_name(c.members)
    return clusters


def choose_name(members: Sequence[Member]) -> str:
    """The canonical name: the most frequent display name among the fullest forms (spelled-out
    names for people); ties go to Latin script, then the shorter (no middle names or initials),
    then the alphabetically first."""
    full = [m.display for m in members if m.person is None or m.person.full]
    counts = Counter(full or [m.display for m in members])

    def rank(name: str) -> tuple[int, bool, int, str]:
        latin = all(ch < _NON_LATIN for ch in name if ch.isalpha())
        return (-counts[name], not latin, len(name), name)

    return min(counts, key=rank)


# -- alias edits ----------------------------------------------------------------------------


def _find(clusters: Sequence[Cluster], name: str) -> Cluster | None:
    """The cluster a user means by `name`: its canonical name exactly, else folded, else the
    largest cluster with a member of that name (as written or title-stripped)."""
    for c in clusters:
        if c.name == name:
            return c
    wanted = fold(name)
    for c in clusters:
        if fold(c.name) == wanted:
            return c
    holders = [c for c in clusters if any(wanted in (fold(m.name), fold(m.display))
                                          for m in c.members)]  # fmt: skip
    return max(holders, key=lambda c: len(c.members), default=None)


def apply_edit(clusters: list[Cluster], action: str, a: str, b: str) -> bool:
    """Apply one alias edit in place; False when it names no entity (or changes nothing).

    merge A B: B's entity joins A's (A's canonical name stays).
    split NAME VARIANT: the members of NAME's entity written VARIANT (as given, or with titles
    stripped) become an entity of their own.
    """
    first = _find(clusters, a)
    if first is None:
        return False
    if action == "merge":
        second = _find(clusters, b)
        if second is None or second is first:
            return False
        first.members.extend(second.members)
        clusters.remove(second)
        return True
    wanted = fold(b)
    moved = [m for m in first.members if wanted in (fold(m.name), fold(m.display))]
    if not moved or len(moved) == len(first.members):
        return False
    first.members = [m for m in first.members if m not in moved]
    first.name = choose_name(first.members)
    clusters.append(Cluster(members=moved, name=choose_name(moved)))
    return True


# -- the store -------------------------------------------------------------------------------


def load_members(conn: sqlite3.Connection) -> tuple[int, list[Member]]:
    """(number of in-article entities, the ones to resolve) from the store."""
    rows = conn.execute(
        "SELECT article_id, id, label, name FROM entities ORDER BY article_id, id"
    ).fetchall()
    members = [make_member(r["article_id"], r["id"], r["label"], r["name"]) for r in rows]
    return len(rows), [m for m in members if m is not None]


def resolve_entities(store: Store) -> ResolveReport:
    """Resolve all stored entities and replace the canonical entities and links (one transaction),
    with the user's alias edits replayed."""
    report = ResolveReport()
    with store.transaction() as conn:
        report.entities, members = load_members(conn)
        clusters = group_members(members)
        for edit in conn.execute("SELECT id, action, a, b FROM alias_edits ORDER BY id"):
            if apply_edit(clusters, edit["action"], edit["a"], edit["b"]):
                report.edits_applied += 1
            else:
                report.edits_skipped.append(edit["id"])
        clusters.sort(key=lambda c: (c.kind, fold(c.name), c.name))
        conn.execute("DELETE FROM entity_links")
        conn.execute("DELETE FROM canonical_entities")
        for cid, c in enumerate(clusters, start=1):
            conn.execute("INSERT INTO canonical_entities VALUES (?,?,?)", (cid, c.name, c.kind))
            conn.executemany(
                "INSERT INTO entity_links VALUES (?,?,?)",
                [(m.article_id, m.entity, cid) for m in c.members],
            )
        report.canonical = len(clusters)
        report.linked = sum(len(c.members) for c in clusters)
    if report.edits_skipped:
        log.info("alias edits that name no entity: %s", report.edits_skipped)
    return report


def _edit(store: Store, action: str, a: str, b: str) -> ResolveReport:
    """Record an alias edit and re-resolve; an edit that names no entity is not kept."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.transaction() as conn:
        edit_id = conn.execute(
            "INSERT INTO alias_edits (action, a, b, created_at) VALUES (?,?,?,?)",
            (action, a, b, now),
        ).lastrowid
    report = resolve_entities(store)
    if edit_id in report.edits_skipped:
        with store.transaction() as conn:
            conn.execute("DELETE FROM alias_edits WHERE id = ?", (edit_id,))
        what = (
            f"{a!r} and {b!r} as two entities"
            if action == "merge"
            else (f"{b!r} as a variant of {a!r} with other variants")
        )
        raise StorylineError(f"cannot {action}: found no {what}; see `storyline entities`")
    return report


def merge(store: Store, a: str, b: str) -> ResolveReport:
    """Make B the same entity as A (kept across re-runs); names as `storyline entities` lists."""
    return _edit(store, "merge", a, b)


def split(store: Store, name: str, variant: str) -> ResolveReport:
    """Make the mentions written VARIANT a separate entity from NAME (kept across re-runs)."""
    return _edit(store, "split", name, variant)


@dataclass(frozen=True, slots=True)
class CanonicalRow:
    """One canonical entity as listed: name, type, variants (most frequent first), articles."""

    id: int
    name: str
    label: str
    variants: tuple[str, ...]
    articles: int


def list_canonical(store: Store) -> list[CanonicalRow]:
    """Every canonical entity with its variants (names and non-pronoun mentions) and article
    count, the most widely reported first."""
    conn = store.conn
    variants: dict[int, Counter[str]] = defaultdict(Counter)
    articles: dict[int, set[str]] = defaultdict(set)
    for r in conn.execute(
        "SELECT l.canonical_id, e.article_id, e.name FROM entity_links l"
        " JOIN entities e ON e.article_id = l.article_id AND e.id = l.entity"
    ):
        variants[r["canonical_id"]][r["name"]] += 1
        articles[r["canonical_id"]].add(r["article_id"])
    marks = ",".join("?" * len(VARIANT_KINDS))
    for r in conn.execute(
        "SELECT l.canonical_id, m.text FROM entity_links l JOIN mentions m"
        f" ON m.article_id = l.article_id AND m.entity = l.entity WHERE m.kind IN ({marks})",
        VARIANT_KINDS,
    ):
        variants[r["canonical_id"]][r["text"]] += 1
    rows = [
        CanonicalRow(
            id=r["id"],
            name=r["name"],
            label=r["label"],
            variants=tuple(v for v, _ in variants[r["id"]].most_common()),
            articles=len(articles[r["id"]]),
        )
        for r in conn.execute("SELECT id, name, label FROM canonical_entities")
    ]
    rows.sort(key=lambda row: (-row.articles, row.label, fold(row.name)))
    return rows
