-- Tokens can be revoked (kept, marked) and their names are unique per
-- server. Databases from before may hold two tokens of one name: the later
-- ones get their id appended, so nothing is refused on upgrade.
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
UPDATE tokens SET name = name || '-' || CAST(id AS TEXT)
    WHERE id NOT IN (SELECT MIN(id) FROM tokens GROUP BY name);
CREATE UNIQUE INDEX tokens_unique_name ON tokens (name);
