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
);

CREATE INDEX platform_reuse_records_by_decision
    ON platform_reuse_records (account_id, decision, completed_at, execution_id);
CREATE TABLE platform_reuse_offers (
    account_id TEXT NOT NULL,
    category TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    PRIMARY KEY (account_id, category, completed_at, execution_id)
);

-- A details document as jsonb, or NULL when it is not JSON (this session
-- only).
CREATE FUNCTION pg_temp.details_jsonb(text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN $1::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

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
SELECT e.account_id, COALESCE(e.completed_at, e.created_at), e.id, json_build_object(
    'id', e.id,
    'decision', d.doc #>> '{decision,type}',
    'credentials', COALESCE((
        SELECT json_agg(json_build_object(
            'id', c.value ->> 'id',
            'category', c.value ->> 'category',
            'usability', COALESCE((
                SELECT u.value #>> '{decision,type}'
                FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d.doc #> '{capabilities,usability}') = 'array'
                    THEN d.doc #> '{capabilities,usability}' ELSE '[]'::jsonb END) u
                WHERE jsonb_typeof(u.value -> 'credentials') = 'array'
                  AND u.value -> 'credentials' @> jsonb_build_array(jsonb_build_object('id', c.value ->> 'id'))
                ORDER BY CASE u.value #>> '{decision,type}'
                    WHEN 'REJECTED' THEN 0 WHEN 'WARNING' THEN 1 WHEN 'PASSED' THEN 2 ELSE 3 END
                LIMIT 1), 'NOT_EXECUTED'),
            'valid_for_authentication', COALESCE(c.value ->> 'category' = 'FACEMAP' AND EXISTS (
                SELECT 1
                FROM jsonb_each(CASE WHEN jsonb_typeof(d.doc -> 'capabilities') = 'object'
                        THEN d.doc -> 'capabilities' ELSE '{}'::jsonb END) k,
                    jsonb_array_elements(CASE WHEN jsonb_typeof(k.value) = 'array'
                        THEN k.value ELSE '[]'::jsonb END) l
                WHERE k.key IN ('liveness', 'authentication')
                  AND l.value ->> 'validFaceMapForAuthentication'
                      LIKE '%/credentials/' || (c.value ->> 'id') || '/parts/FACEMAP'), FALSE)
        ) ORDER BY c.position)
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d.doc -> 'credentials') = 'array'
                THEN d.doc -> 'credentials' ELSE '[]'::jsonb END) WITH ORDINALITY AS c(value, position)
        WHERE (c.value #>> '{reusableIdentity,status}') IS DISTINCT FROM 'ID_FOUND'
    ), '[]'::json)
)::jsonb
FROM platform_executions e
CROSS JOIN LATERAL (SELECT pg_temp.details_jsonb(e.details) AS doc) d
WHERE e.status = 'PROCESSED'
)
INSERT INTO platform_reuse_records (account_id, completed_at, execution_id, decision, record)
SELECT account_id, completed_at, execution_id, COALESCE(record ->> 'decision', ''), record::text
FROM derived;

-- What each record offers, by core's rule (`reuse::find` on the record
-- alone): a PASSED record, each category with a credential whose usability
-- PASSED, a FACEMAP only when it is valid for authentication. A damaged
-- record is listed as offering every category, so that a reuse reaching it
-- reads it and reports it.
INSERT INTO platform_reuse_offers (account_id, category, completed_at, execution_id)
SELECT DISTINCT r.account_id, c.value ->> 'category', r.completed_at, r.execution_id
FROM platform_reuse_records r, jsonb_array_elements(r.record::jsonb -> 'credentials') c
WHERE r.decision = 'PASSED'
  AND c.value ->> 'usability' = 'PASSED'
  AND (c.value ->> 'category' <> 'FACEMAP'
       OR (c.value -> 'valid_for_authentication') = 'true'::jsonb);
INSERT INTO platform_reuse_offers (account_id, category, completed_at, execution_id)
SELECT r.account_id, k.category, r.completed_at, r.execution_id
FROM platform_reuse_records r,
    (VALUES ('ID'), ('SELFIE'), ('FACEMAP'), ('DOCUMENT'), ('DATA')) AS k (category)
WHERE r.decision NOT IN ('PASSED', 'REJECTED', 'WARNING', 'NOT_EXECUTED');

DROP FUNCTION pg_temp.details_jsonb(text);

-- Its only reader (earlier details by account and status) is gone.
DROP INDEX platform_executions_by_account_status;
