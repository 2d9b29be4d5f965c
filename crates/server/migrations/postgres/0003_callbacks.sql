-- Callbacks waiting to be delivered (an outbox): written when an execution
-- reaches PROCESSED, SESSION_EXPIRED or TOKEN_EXPIRED, deleted once
-- delivered or given up, so a callback pending at a crash or restart is
-- sent after it.
CREATE TABLE platform_callbacks (
    execution_id TEXT PRIMARY KEY NOT NULL REFERENCES platform_executions (id),
    url TEXT NOT NULL,
    -- The status the callback reports.
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
