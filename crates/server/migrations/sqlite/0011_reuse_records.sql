-- Reuse reads a typed record written when an execution completes (issue
-- 29, "Reuse only what was verified"), never earlier details documents:
-- one row per completed execution, holding its decision and each credential
-- it collected anew with that credential's usability and, for a facemap,
-- whether it is valid for authentication (`idflow_core::simulate::
-- EarlierTransaction` as JSON:
--   {"id", "decision", "credentials": [{"id", "category", "usability",
--    "valid_for_authentication"}]}).
-- Processing reads only what the rule needs, by index, however long the
-- account's history: for each credential category it reuses, the newest
-- record that offers one (`platform_reuse_offers`: a row per category for
-- which the record alone satisfies core's rule, `reuse::find` on it), and
-- for Reusable Identity the newest REJECTED record (`decision`, by
-- account, decision and completion). Keyed by execution, so that no index
-- but those two orders an account's records by completion: SQLite's
-- planner, without statistics, walked a whole account's records in that
-- order to find its newest REJECTED one.
CREATE TABLE platform_reuse_records (
    execution_id TEXT PRIMARY KEY NOT NULL REFERENCES platform_executions (id),
    account_id TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    decision TEXT NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX platform_reuse_records_by_decision
    ON platform_reuse_records (account_id, decision, completed_at, execution_id);
CREATE TABLE platform_reuse_offers (
    account_id TEXT NOT NULL,
    category TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    PRIMARY KEY (account_id, category, completed_at, execution_id)
) WITHOUT ROWID;

-- Executions completed before this migration: their record derived once
-- from their details document (decision.type; the credentials it lists,
-- except a Reusable Identity ID it reused; each one's usability, the worst
-- of the usability results naming it, NOT_EXECUTED when none does; a
-- FACEMAP is valid for authentication when a liveness or authentication
-- result links it as `validFaceMapForAuthentication`). A document that is
-- missing or not JSON gets a record without a decision (`decision` ''):
-- reading it then fails naming the execution, never reads as "nothing to
-- reuse".
WITH derived (account_id, completed_at, execution_id, record) AS (
SELECT e.account_id, e.completed_at, e.id, json_object(
    'id', e.id,
    'decision', json_extract(e.doc, '$.decision.type'),
    'credentials', json(COALESCE((
        SELECT json_group_array(json_object(
            'id', json_extract(c.value, '$.id'),
            'category', json_extract(c.value, '$.category'),
            'usability', COALESCE((
                SELECT json_extract(u.value, '$.decision.type')
                FROM json_each(e.doc, '$.capabilities.usability') u
                WHERE EXISTS (
                    SELECT 1 FROM json_each(u.value, '$.credentials') r
                    WHERE json_extract(r.value, '$.id') = json_extract(c.value, '$.id'))
                ORDER BY CASE json_extract(u.value, '$.decision.type')
                    WHEN 'REJECTED' THEN 0 WHEN 'WARNING' THEN 1 WHEN 'PASSED' THEN 2 ELSE 3 END
                LIMIT 1), 'NOT_EXECUTED'),
            'valid_for_authentication', json(CASE WHEN json_extract(c.value, '$.category') = 'FACEMAP'
                AND EXISTS (
                    SELECT 1 FROM json_each(e.doc, '$.capabilities') k, json_each(k.value) l
                    WHERE k.key IN ('liveness', 'authentication')
                      AND json_extract(l.value, '$.validFaceMapForAuthentication')
                          LIKE '%/credentials/' || json_extract(c.value, '$.id') || '/parts/FACEMAP')
                THEN 'true' ELSE 'false' END)
        ))
        FROM json_each(e.doc, '$.credentials') c
        WHERE json_extract(c.value, '$.reusableIdentity.status') IS NOT 'ID_FOUND'
    ), '[]'))
)
FROM (
    SELECT id, account_id, COALESCE(completed_at, created_at) AS completed_at,
        CASE WHEN json_valid(details) THEN details END AS doc
    FROM platform_executions WHERE status = 'PROCESSED'
) e
)
INSERT INTO platform_reuse_records (account_id, completed_at, execution_id, decision, record)
SELECT account_id, completed_at, execution_id, COALESCE(json_extract(record, '$.decision'), ''), record
FROM derived;

-- What each record offers, by core's rule (`reuse::find` on the record
-- alone): a PASSED record, each category with a credential whose usability
-- PASSED, a FACEMAP only when it is valid for authentication. A damaged
-- record is listed as offering every category, so that a reuse reaching it
-- reads it and reports it.
INSERT INTO platform_reuse_offers (account_id, category, completed_at, execution_id)
SELECT DISTINCT r.account_id, json_extract(c.value, '$.category'), r.completed_at, r.execution_id
FROM platform_reuse_records r, json_each(r.record, '$.credentials') c
WHERE r.decision = 'PASSED'
  AND json_extract(c.value, '$.usability') = 'PASSED'
  AND (json_extract(c.value, '$.category') <> 'FACEMAP'
       OR json_extract(c.value, '$.valid_for_authentication'));
INSERT INTO platform_reuse_offers (account_id, category, completed_at, execution_id)
SELECT r.account_id, k.category, r.completed_at, r.execution_id
FROM platform_reuse_records r,
    (SELECT 'ID' AS category UNION ALL SELECT 'SELFIE' UNION ALL SELECT 'FACEMAP'
     UNION ALL SELECT 'DOCUMENT' UNION ALL SELECT 'DATA') k
WHERE r.decision NOT IN ('PASSED', 'REJECTED', 'WARNING', 'NOT_EXECUTED');

-- Its only reader (earlier details by account and status) is gone.
DROP INDEX platform_executions_by_account_status;
