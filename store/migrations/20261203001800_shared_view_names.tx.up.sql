-- Names of shared views are unique team-wide: a second shared "vip" made
-- "list view:vip" ambiguous for everyone. Of earlier duplicates the first
-- shared stays shared; the later ones become private to their owners.
UPDATE views SET shared = FALSE
WHERE shared AND id NOT IN (SELECT min(id) FROM views WHERE shared GROUP BY lower(name));
--bun:split
CREATE UNIQUE INDEX views_shared_name_key ON views (lower(name)) WHERE shared;
