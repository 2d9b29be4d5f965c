-- Indexes that keep the platform's reads independent of how many
-- executions the database holds (found under load: with 137,000
-- executions, journeys fell to 89/s as every read scanned).
--
-- The expiry sweep asks for INITIATED executions past their token's expiry
-- in expiry order: by status alone it read every INITIATED row and sorted
-- them, every two seconds.
DROP INDEX platform_executions_by_status;
CREATE INDEX platform_executions_by_status_expiry ON platform_executions (status, token_expires_at);
-- An account's earlier PROCESSED executions: by account and status, so the
-- planner does not choose the status index and walk every PROCESSED row.
DROP INDEX platform_executions_by_account;
CREATE INDEX platform_executions_by_account_status ON platform_executions (account_id, status);
