"""A small stored story for the dossier tests, and a comparison of it made by hand.

The comparison has exactly the shape `storyline.compare.compare.compare_story` returns, with
real spans into the stored articles, so the dossier can be checked without running it.
"""

from __future__ import annotations

from typing import Any

from link_helpers import add_article

from storyline.link.cluster import assign_events
from storyline.link.dedup import find_duplicates
from storyline.link.resolve import resolve_entities
from storyline.nlp.run import timex_store
from storyline.store.db import Store

FERRY = [("ORG", "Saltmarsh Lines"), ("PERSON", "Miriam Okonjo")]
QUOTE = "This is a betrayal of families who rely on the late boat"
FIRST = (
    "Saltmarsh Lines said on Monday it would suspend night crossings to the Orrin islands from "
    f'1 June, citing a shortage of 14 certified engineers. "{QUOTE}," said council leader '
    "Miriam Okonjo. The company first warned of the shortage on 12 March."
)
SECOND = (
    "Night crossings to the Orrin islands will stop from 1 June, Saltmarsh Lines announced on "
    f"Monday, blaming a shortage of 14 certified engineers. Council leader Miriam Okonjo said: "
    f'"{QUOTE}." Saltmarsh Lines first warned of the engineer shortage on 14 March.'
)

LONE = (
    "The Valmere Maritime Museum will open a new gallery of shipbuilding models in September, its "
    "director Anna Brandt said on Thursday. The gallery, funded by a private donation, will show "
    "forty models built in the city's yards between 1880 and 1960, most of them never exhibited."
)
BRANDT = [("ORG", "Valmere Maritime Museum"), ("PERSON", "Anna Brandt")]


def lone_story(store: Store) -> str:
    """One article about something else: a story of its own. Its id."""
    return add_article(store, LONE, source="lone.txt", published="2026-01-05", entities=BRANDT)


def link(store: Store) -> None:
    """Run the link step's parts the dossier reads: entities, copies, events, time expressions."""
    resolve_entities(store)
    find_duplicates(store)
    assign_events(store)
    timex_store(store)


def ferry_story(store: Store) -> tuple[str, str]:
    """Two outlets reporting one event, the same quote clustered across them; their ids."""
    ids = (
        add_article(
            store,
            FIRST,
            source="a.txt",
            published="2026-05-05",
            entities=FERRY,
            quotes=[(QUOTE, 1, "direct")],
        ),
        add_article(
            store,
            SECOND,
            source="b.txt",
            published="2026-05-06",
            entities=FERRY,
            quotes=[(QUOTE, 1, "direct")],
        ),
    )
    link(store)
    with store.transaction() as conn:  # the quote cluster the link step would find
        conn.execute(
            "INSERT INTO quote_clusters (id, first_article, first_idx) VALUES (1, ?, 0)", (ids[0],)
        )
        conn.executemany(
            "INSERT INTO quote_cluster_members (cluster_id, article_id, idx, similarity)"
            " VALUES (1, ?, 0, 1.0)",
            [(i,) for i in ids],
        )
    return ids


def source(store: Store, article_id: str, words: str) -> dict[str, Any]:
    """A comparison source: where `words` stand in the article's clean text."""
    text, outlet = store.conn.execute(
        "SELECT text, outlet FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    start = text.index(words)
    end = start + len(words)
    return {"article_id": article_id, "outlet": outlet, "start": start, "end": end, "text": words}


def comparison(store: Store, first: str, second: str) -> dict[str, Any]:
    """A comparison of the ferry story in `compare_story`'s shape."""
    suspend = [
        source(store, first, "it would suspend night crossings to the Orrin islands from 1 June"),
        source(store, second, "Night crossings to the Orrin islands will stop from 1 June"),
    ]
    warned_12 = source(store, first, "first warned of the shortage on 12 March")
    warned_14 = source(store, second, "first warned of the engineer shortage on 14 March")
    return {
        "story": "S1",
        "claims": [
            {
                "id": "C1",
                "text": "Saltmarsh Lines will suspend night crossings from 1 June.",
                "actors": ["Saltmarsh Lines"],
                "numbers": ["1"],
                "dates": ["2026-06-01"],
                "sources": suspend,
                "independent": 2,
                "origin": None,
            },
            {
                "id": "C2",
                "text": "The company first warned of the shortage on 12 March <b>early</b>.",
                "actors": ["Saltmarsh Lines"],
                "numbers": [],
                "dates": ["2026-03-12"],
                "sources": [warned_12],
                "independent": 1,
                "origin": None,
            },
        ],
        "conflicts": [
            {
                "kind": "date",
                "topic": "first warning of the shortage",
                "over_time": False,
                "sides": [
                    {"value": "12 March", "sources": [{**warned_12, "published": "2026-05-05"}]},
                    {"value": "14 March", "sources": [{**warned_14, "published": "2026-05-06"}]},
                ],
                "note": "two outlets date the warning two days apart",
            }
        ],
        "framing": {
            "distinctive_terms": {
                warned_12["outlet"]: [{"term": "suspend", "z": 2.1, "count": 1}],
                warned_14["outlet"]: [{"term": "blaming", "z": 1.9, "count": 1}],
            },
            "referents": [
                {
                    "referent": "Miriam Okonjo",
                    "by_outlet": {
                        warned_12["outlet"]: ["council leader Miriam Okonjo"],
                        warned_14["outlet"]: ["Council leader Miriam Okonjo"],
                    },
                }
            ],
            "quotes_chosen": {
                warned_12["outlet"]: [
                    {"speaker": "Miriam Okonjo", **source(store, first, QUOTE)},
                ]
            },
            "omissions": {warned_14["outlet"]: ["C2"]},
        },
    }
