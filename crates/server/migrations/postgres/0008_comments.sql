-- Review comments beside a draft (issue 16): never part of the workflow,
-- so they never make a save stale; a publish marks the comments it
-- carries with the version's number (read-only from then on).
CREATE TABLE comments (
    key BIGINT NOT NULL REFERENCES workflows (key),
    id BIGINT NOT NULL,
    step TEXT,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    resolved BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT,
    PRIMARY KEY (key, id)
);
