-- The team store: workflows with their drafts, immutable published
-- versions, the custom key counter and API tokens.

CREATE TABLE workflows (
    key INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('GLOBAL', 'CUSTOM')),
    -- Bumped by every write to the draft; writes name the revision they
    -- were based on (optimistic concurrency).
    revision INTEGER NOT NULL CHECK (revision >= 1),
    -- The draft as canonical RON text (the local store's file format).
    draft TEXT NOT NULL,
    duplicated_from_key INTEGER,
    duplicated_from_version INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE versions (
    key INTEGER NOT NULL REFERENCES workflows (key),
    number INTEGER NOT NULL CHECK (number >= 1),
    published_at TEXT NOT NULL,
    -- SHA-256 (lowercase hex) of `content`, checked on every read.
    sha256 TEXT NOT NULL,
    -- The draft revision that was frozen.
    revision INTEGER NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (key, number)
);

-- A published version never changes.
CREATE TRIGGER versions_are_immutable BEFORE UPDATE ON versions
BEGIN
    SELECT RAISE(ABORT, 'published versions are immutable');
END;

CREATE TRIGGER versions_are_never_deleted BEFORE DELETE ON versions
BEGIN
    SELECT RAISE(ABORT, 'published versions are immutable');
END;

-- One row; its presence marks the database as seeded. Keys are handed out
-- from here and never reused.
CREATE TABLE key_counter (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    next_custom_key INTEGER NOT NULL
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('designer', 'publisher')),
    -- SHA-256 (lowercase hex) of the token; the token itself is never stored.
    sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
