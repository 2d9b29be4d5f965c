-- The mock platform API (/api/v1) on PostgreSQL: the same tables as
-- migrations/sqlite/0002_platform.sql.

-- Named secrets made once by the server (e.g. `jwt`, 32 random bytes).
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value BYTEA NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE platform_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    -- The latest execution's customerInternalReference.
    customer_internal_reference TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE platform_executions (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES platform_accounts (id),
    -- The workflow and the published version it runs (the latest at
    -- account time).
    definition_key BIGINT NOT NULL,
    definition_version BIGINT NOT NULL,
    scenario TEXT NOT NULL,
    user_reference TEXT,
    customer_internal_reference TEXT NOT NULL,
    callback_url TEXT,
    locale TEXT NOT NULL,
    -- The account request as received (JSON).
    request TEXT NOT NULL,
    -- `http://HOST` of the request that created it: base of every href.
    base_url TEXT NOT NULL,
    -- Seconds since the epoch; the tokens' `exp`.
    token_expires_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('INITIATED', 'ACQUIRED', 'PROCESSED', 'SESSION_EXPIRED', 'TOKEN_EXPIRED')),
    created_at TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    -- The retrieval document (JSON), once PROCESSED.
    details TEXT,
    -- The store-API token name that created it.
    created_by TEXT NOT NULL
);

CREATE INDEX platform_executions_by_account ON platform_executions (account_id);
CREATE INDEX platform_executions_by_status ON platform_executions (status);

CREATE TABLE platform_credentials (
    id TEXT PRIMARY KEY NOT NULL,
    execution_id TEXT NOT NULL REFERENCES platform_executions (id),
    position BIGINT NOT NULL,
    -- The acquisition step's node id.
    node_id TEXT NOT NULL,
    category TEXT NOT NULL,
    label TEXT,
    -- Comma-separated: allowed channels (WEB,API,SDK) and the parts the
    -- API accepts (FRONT,BACK,...).
    channels TEXT NOT NULL,
    api_parts TEXT NOT NULL,
    existing BOOLEAN NOT NULL,
    UNIQUE (execution_id, position)
);

-- Metadata of uploaded parts; the bytes are never stored. A new upload
-- of the same part replaces the row.
CREATE TABLE platform_parts (
    credential_id TEXT NOT NULL REFERENCES platform_credentials (id),
    classifier TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (credential_id, classifier)
);
