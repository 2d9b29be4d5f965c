-- Custom workflows can be archived (issue 14): hidden from lists, their
-- drafts and versions kept. Every existing workflow stays listed.
ALTER TABLE workflows ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
