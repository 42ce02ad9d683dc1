-- wirewatch schema 2: quotations, entities (people, organisations, places) and their aliases.

-- one row per person, organisation or place, shared by every article that names it
CREATE TABLE entities (
    id        INTEGER PRIMARY KEY,
    canonical TEXT NOT NULL,       -- the fullest name seen ("Jens Stoltenberg")
    kind      TEXT NOT NULL        -- person | organization | place
);

-- every spelling seen of an entity (its canonical name is always one of them)
CREATE TABLE entity_aliases (
    id        INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,       -- as written: "President Putin"
    key       TEXT NOT NULL,       -- comparison key: names.person_key for people, casefold otherwise
    name      TEXT NOT NULL,       -- the searchable name: a person's titles stripped ("Putin")
    UNIQUE (entity_id, alias)
);
CREATE INDEX entity_aliases_key ON entity_aliases (key);

-- word index over the names, for speaker: and entity: (same tokenizer as articles_fts);
-- titles are not indexed: "NATO Secretary General Jens Stoltenberg" is not found by entity:nato
CREATE VIRTUAL TABLE entity_aliases_fts USING fts5 (
    name,
    content = 'entity_aliases', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER entity_aliases_fts_insert AFTER INSERT ON entity_aliases BEGIN
    INSERT INTO entity_aliases_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER entity_aliases_fts_delete AFTER DELETE ON entity_aliases BEGIN
    INSERT INTO entity_aliases_fts (entity_aliases_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;

-- which entities an article names, and where (JSON list of [start, end])
CREATE TABLE article_entities (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    mentions   TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX article_entities_entity ON article_entities (entity_id);

-- one row per quotation; spans are [start, end) offsets into articles.text
CREATE TABLE quotes (
    id                INTEGER PRIMARY KEY,
    article_id        INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    text              TEXT NOT NULL,
    kind              TEXT NOT NULL,   -- direct | indirect | mixed
    span_start        INTEGER NOT NULL,
    span_end          INTEGER NOT NULL,
    cue               TEXT,
    cue_start         INTEGER,
    cue_end           INTEGER,
    confidence        REAL NOT NULL,
    speaker_name      TEXT,            -- the mention as written: "he", "the secretary general"
    speaker_start     INTEGER,
    speaker_end       INTEGER,
    speaker_canonical TEXT,            -- as resolved within the article (None: unresolved)
    speaker_entity_id INTEGER REFERENCES entities (id) ON DELETE SET NULL
);
CREATE INDEX quotes_article ON quotes (article_id, span_start);
CREATE INDEX quotes_speaker ON quotes (speaker_entity_id);
