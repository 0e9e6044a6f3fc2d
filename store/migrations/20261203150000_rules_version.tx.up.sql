-- rules_version counts the changes to rules (PostgreSQL): a trigger bumps
-- it in the transaction of every change, so a replica that read the rules
-- along with the count uses them until the count moves, instead of reading
-- them for every inbound. SQLite reads the rules each time, in process.
{{if .PG}}
CREATE TABLE rules_version (n BIGINT NOT NULL);
--bun:split
INSERT INTO rules_version (n) VALUES (1);
--bun:split
CREATE FUNCTION rules_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE rules_version SET n = n + 1;
	RETURN NULL;
END
$$;
--bun:split
CREATE TRIGGER rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rules
	FOR EACH STATEMENT EXECUTE FUNCTION rules_changed();
{{else}}
SELECT 1;
{{end}}
