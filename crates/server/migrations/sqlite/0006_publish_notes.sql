-- Each version records why it was published and who published it (issue
-- 15). Versions published before read as having neither.
ALTER TABLE versions ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN author TEXT NOT NULL DEFAULT '';
