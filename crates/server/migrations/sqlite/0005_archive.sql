-- Custom workflows can be archived (issue 14): hidden from lists, their
-- drafts and versions kept. Every existing workflow stays listed.
ALTER TABLE workflows ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
