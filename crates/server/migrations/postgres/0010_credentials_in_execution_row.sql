-- An execution's credentials move into its own row (issue 17: account
-- creation wrote one row per credential, each a table row, two index
-- entries and a foreign-key probe). They are written once, with the
-- execution, and only ever read whole. The column holds a JSON array in
-- workflow order, one object per former row:
--   {"id", "node_id", "category", "label", "channels", "api_parts", "existing"}
-- with `channels` and `api_parts` comma-separated as before.
ALTER TABLE platform_executions ADD COLUMN credentials TEXT NOT NULL DEFAULT '[]';
UPDATE platform_executions e SET credentials = c.list
FROM (
    SELECT execution_id, json_agg(json_build_object(
        'id', id,
        'node_id', node_id,
        'category', category,
        'label', label,
        'channels', channels,
        'api_parts', api_parts,
        'existing', existing
    ) ORDER BY position)::text AS list
    FROM platform_credentials
    GROUP BY execution_id
) c
WHERE c.execution_id = e.id;

-- Parts are now keyed by their execution (the credential table they
-- referred to is gone): the service checks the credential belongs to the
-- execution before an upload is written.
CREATE TABLE platform_execution_parts (
    execution_id TEXT NOT NULL REFERENCES platform_executions (id),
    credential_id TEXT NOT NULL,
    classifier TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (execution_id, credential_id, classifier)
);
INSERT INTO platform_execution_parts
    (execution_id, credential_id, classifier, content_type, size, sha256, uploaded_at)
SELECT c.execution_id, p.credential_id, p.classifier, p.content_type, p.size, p.sha256, p.uploaded_at
FROM platform_parts p JOIN platform_credentials c ON c.id = p.credential_id;
DROP TABLE platform_parts;
DROP TABLE platform_credentials;
ALTER TABLE platform_execution_parts RENAME TO platform_parts;
ALTER INDEX platform_execution_parts_pkey RENAME TO platform_parts_pkey;
