-- Four-eyes publishing and the audit trail (issue 16).

-- Who wrote the draft's current revision (a token's name; '' before this
-- was kept): its approver must be someone else.
ALTER TABLE workflows ADD COLUMN draft_author TEXT NOT NULL DEFAULT '';

-- Who approved the revision a version froze (comma-separated token names).
ALTER TABLE versions ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';

-- An approval names one revision: a later save makes a new revision, which
-- no approval names, so saving withdraws it without a write.
CREATE TABLE approvals (
    key INTEGER NOT NULL REFERENCES workflows (key),
    revision INTEGER NOT NULL,
    approver TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    PRIMARY KEY (key, revision, approver)
);

-- Who did what, when; entries are never changed or removed.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    key INTEGER,
    revision INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);

CREATE TRIGGER audit_is_append_only BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_is_never_deleted BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
