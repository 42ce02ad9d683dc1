-- wirewatch schema 4: live operation: source health, saved queries, channels, the outbox,
-- the live event log, and a small key-value table (VAPID keys, the instance secret).

ALTER TABLE sources ADD COLUMN last_success TEXT;
ALTER TABLE sources ADD COLUMN last_error TEXT;
ALTER TABLE sources ADD COLUMN last_error_at TEXT;
ALTER TABLE sources ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;   -- consecutive errors
ALTER TABLE sources ADD COLUMN next_poll_ts REAL;                        -- NULL: due now
ALTER TABLE sources ADD COLUMN interval_seconds REAL;                     -- the adapted interval
ALTER TABLE sources ADD COLUMN websub_hub TEXT;
ALTER TABLE sources ADD COLUMN websub_topic TEXT;
ALTER TABLE sources ADD COLUMN websub_secret TEXT;
ALTER TABLE sources ADD COLUMN websub_expires_ts REAL;

CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY,
    query        TEXT NOT NULL,
    name         TEXT,
    paused       INTEGER NOT NULL DEFAULT 0,
    cap_per_hour INTEGER NOT NULL DEFAULT 60,   -- notifications per channel per hour, at most
    owner        TEXT,                          -- the user it belongs to (the web app's accounts)
    created_at   TEXT NOT NULL
);

CREATE TABLE channels (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,              -- webhook | email | feed | push | stream
    target          TEXT,
    secret          TEXT,
    options         TEXT NOT NULL DEFAULT '{}', -- JSON
    active          INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX channels_subscription ON channels (subscription_id);
CREATE UNIQUE INDEX channels_feed_secret ON channels (secret) WHERE kind = 'feed';

-- the outbox: written in the article's transaction, sent at least once by the worker
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,       -- idempotency key (webhook-id, Message-ID)
    channel_id      INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    story_id        INTEGER,
    article_id      INTEGER,
    payload         TEXT NOT NULL,              -- the notification JSON
    status          TEXT NOT NULL,              -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    created_ts      REAL NOT NULL,
    next_attempt_ts REAL NOT NULL,
    first_failure_ts REAL,
    sent_at         TEXT,
    last_error      TEXT,
    updated         INTEGER NOT NULL DEFAULT 0  -- articles added to its story after it was made
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_ts);
CREATE INDEX deliveries_channel ON deliveries (channel_id, created_ts);
-- one notification per story per channel: later coverage grows it instead
CREATE UNIQUE INDEX deliveries_story ON deliveries (channel_id, story_id) WHERE story_id IS NOT NULL;

-- the live stream: one event per stored article (Server-Sent Events ids are these ids)
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    created_at    TEXT NOT NULL,
    article_id    INTEGER,
    story_id      INTEGER,
    subscriptions TEXT NOT NULL DEFAULT '[]',   -- JSON list of the matched subscription ids
    payload       TEXT NOT NULL
);

CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
