-- An execution's credentials move into its own row (issue 17: account
-- creation wrote one row per credential, each a table row, two index
-- entries and a foreign-key probe: about half of what a new account cost
-- the single writer). They are written once, with the execution, and only
-- ever read whole. The column holds a JSON array in workflow order, one
-- object per former row:
--   {"id", "node_id", "category", "label", "channels", "api_parts", "existing"}
-- with `channels` and `api_parts` comma-separated as before.
ALTER TABLE platform_executions ADD COLUMN credentials TEXT NOT NULL DEFAULT '[]';
UPDATE platform_executions SET credentials = (
    SELECT json_group_array(json_object(
        'id', c.id,
        'node_id', c.node_id,
        'category', c.category,
        'label', c.label,
        'channels', c.channels,
        'api_parts', c.api_parts,
        'existing', json(CASE WHEN c.existing THEN 'true' ELSE 'false' END)
    ) ORDER BY c.position)
    FROM platform_credentials c
    WHERE c.execution_id = platform_executions.id
);

-- Parts are now keyed by their execution (the credential table they
-- referred to is gone): the service checks the credential belongs to the
-- execution before an upload is written.
CREATE TABLE platform_execution_parts (
    execution_id TEXT NOT NULL REFERENCES platform_executions (id),
    credential_id TEXT NOT NULL,
    classifier TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (execution_id, credential_id, classifier)
) WITHOUT ROWID;
INSERT INTO platform_execution_parts
    (execution_id, credential_id, classifier, content_type, size, sha256, uploaded_at)
SELECT c.execution_id, p.credential_id, p.classifier, p.content_type, p.size, p.sha256, p.uploaded_at
FROM platform_parts p JOIN platform_credentials c ON c.id = p.credential_id;
DROP TABLE platform_parts;
DROP TABLE platform_credentials;
ALTER TABLE platform_execution_parts RENAME TO platform_parts;
