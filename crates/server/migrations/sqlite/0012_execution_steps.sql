-- The steps an execution visited, with what each produced (issue 29:
-- `steps.href` of the retrieval document answers them). A JSON array in
-- path order, written once, in the same statement that stores the details
-- (`Write::Complete`). NULL for every execution processed before this
-- migration: their steps were never kept, and cannot be derived from what
-- was (the account's history and the scenario may have changed since), so
-- `steps.href` answers them with an empty list and a note saying so.
ALTER TABLE platform_executions ADD COLUMN steps TEXT;
