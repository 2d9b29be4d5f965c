-- The audit trail is read a page at a time, newest first, filtered by
-- key, actor or action (issue 30, item 3): each filter walks its own
-- index in id order instead of the whole trail.
CREATE INDEX audit_by_key ON audit (key, id);
CREATE INDEX audit_by_actor ON audit (actor, id);
CREATE INDEX audit_by_action ON audit (action, id);
