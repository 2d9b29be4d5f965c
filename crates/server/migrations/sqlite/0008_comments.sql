-- Review comments beside a draft (issue 16): never part of the workflow,
-- so they never make a save stale; a publish marks the comments it
-- carries with the version's number (read-only from then on).
CREATE TABLE comments (
    key INTEGER NOT NULL REFERENCES workflows (key),
    id INTEGER NOT NULL,
    step TEXT,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
    version INTEGER,
    PRIMARY KEY (key, id)
);
