-- Four eyes follows the content, and is the store's setting (issue 30,
-- items 1 and 2).

-- Who saved content into the draft's current revision since the
-- workflow's last published version: a JSON array of token names, none of
-- whom may approve it. A draft written before read as written by its last
-- writer (`draft_author`, no longer read from here on).
ALTER TABLE workflows ADD COLUMN draft_authors TEXT NOT NULL DEFAULT '[]';
UPDATE workflows SET draft_authors = json_build_array(draft_author)::text WHERE draft_author <> '';

-- Who wrote the revision a version froze (a JSON array of token names).
-- A version published before keeps '[]' here: published rows are never
-- rewritten, so the server reads its one recorded author (who published
-- it) as its authors list.
ALTER TABLE versions ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';

-- The store's own settings, one row: four eyes on publishing is kept here,
-- so every server on this database enforces it, whatever its flags.
CREATE TABLE store_policy (
    id SMALLINT PRIMARY KEY NOT NULL CHECK (id = 1),
    require_approval BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO store_policy (id, require_approval) VALUES (1, FALSE);
