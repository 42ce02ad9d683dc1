-- wirewatch schema 3: stories (online clusters of articles), near-duplicates, quote tracking.

-- one row per story; key is the clusterer's id for it (the content hash of its first article)
CREATE TABLE stories (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    title         TEXT,
    first_seen    TEXT,              -- ISO 8601: the earliest member's publication (else fetch) time
    first_ts      REAL,
    last_seen     TEXT,
    last_ts       REAL,
    merged_into   INTEGER REFERENCES stories (id),  -- a late merge: this story is now that one
    created_at    TEXT NOT NULL
);
CREATE INDEX stories_last ON stories (last_ts);

ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories (id);
CREATE INDEX articles_story ON articles (story_id);

-- late merges, in the order they happened: nothing is lost when two stories become one
CREATE TABLE story_merges (
    id        INTEGER PRIMARY KEY,
    absorbed  INTEGER NOT NULL REFERENCES stories (id),
    into_id   INTEGER NOT NULL REFERENCES stories (id),
    merged_at TEXT NOT NULL
);

-- near-duplicate detection: each article's MinHash signature and its LSH band keys
CREATE TABLE article_signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    signature  BLOB NOT NULL
);
CREATE TABLE article_bands (
    band       INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;

-- copies of a stored article (syndicated, AMP/print versions, light edits): listed, not stored
CREATE TABLE article_duplicates (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,  -- the original
    url         TEXT,
    title       TEXT,
    outlet      TEXT,
    published   TEXT,
    similarity  REAL NOT NULL,       -- 1.0: the same text
    seen_at     TEXT NOT NULL
);
CREATE INDEX article_duplicates_article ON article_duplicates (article_id);
CREATE UNIQUE INDEX article_duplicates_url ON article_duplicates (article_id, url);

-- one tracked quotation: every quotes row reporting it points here
CREATE TABLE quote_groups (
    id   INTEGER PRIMARY KEY,
    key  TEXT NOT NULL              -- tracking.quote_key of its first text
);
CREATE INDEX quote_groups_key ON quote_groups (key);
ALTER TABLE quotes ADD COLUMN group_id INTEGER REFERENCES quote_groups (id);
CREATE INDEX quotes_group ON quotes (group_id);
