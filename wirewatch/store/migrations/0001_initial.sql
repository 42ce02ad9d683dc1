-- wirewatch schema 1: articles with full-text search, URL aliases, sources, HTTP cache.

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    url           TEXT,
    canonical_url TEXT,
    title         TEXT,
    text          TEXT NOT NULL,
    author        TEXT,
    published     TEXT,            -- ISO 8601 as given
    published_ts  REAL,            -- the same instant in Unix seconds (naive = UTC), for filters
    language      TEXT,
    site_name     TEXT,
    source        TEXT,
    fetched_at    TEXT,
    content_hash  TEXT NOT NULL UNIQUE,
    added_at      TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published_ts);
CREATE INDEX articles_language ON articles (language);
CREATE INDEX articles_source ON articles (source);

-- every known spelling (normalised) of an article's address: url, canonical, aliases
CREATE TABLE article_urls (
    url        TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX article_urls_article ON article_urls (article_id);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, text,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    title         TEXT,
    every_seconds INTEGER,
    added_at      TEXT NOT NULL
);

CREATE TABLE http_cache (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    updated_at    TEXT NOT NULL
);
