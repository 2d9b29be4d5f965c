-- The team store on PostgreSQL: the same tables as migrations/sqlite
-- (workflows with their drafts, immutable published versions, the custom
-- key counter and API tokens), with PostgreSQL types and triggers.

CREATE TABLE workflows (
    key BIGINT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('GLOBAL', 'CUSTOM')),
    -- Bumped by every write to the draft; writes name the revision they
    -- were based on (optimistic concurrency).
    revision BIGINT NOT NULL CHECK (revision >= 1),
    -- The draft as canonical RON text (the local store's file format).
    draft TEXT NOT NULL,
    duplicated_from_key BIGINT,
    duplicated_from_version BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE versions (
    key BIGINT NOT NULL REFERENCES workflows (key),
    number BIGINT NOT NULL CHECK (number >= 1),
    published_at TEXT NOT NULL,
    -- SHA-256 (lowercase hex) of `content`, checked on every read.
    sha256 TEXT NOT NULL,
    -- The draft revision that was frozen.
    revision BIGINT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (key, number)
);

-- A published version never changes.
CREATE FUNCTION versions_are_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published versions are immutable';
END;
$$;

CREATE TRIGGER versions_are_immutable BEFORE UPDATE ON versions
    FOR EACH ROW EXECUTE FUNCTION versions_are_immutable();

CREATE TRIGGER versions_are_never_deleted BEFORE DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION versions_are_immutable();

-- TRUNCATE skips row triggers: refuse it too.
CREATE TRIGGER versions_are_never_truncated BEFORE TRUNCATE ON versions
    FOR EACH STATEMENT EXECUTE FUNCTION versions_are_immutable();

-- One row; its presence marks the database as seeded. Keys are handed out
-- from here and never reused.
CREATE TABLE key_counter (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    next_custom_key BIGINT NOT NULL
);

CREATE TABLE tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('designer', 'publisher')),
    -- SHA-256 (lowercase hex) of the token; the token itself is never stored.
    sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
