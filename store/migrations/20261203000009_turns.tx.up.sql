-- Round-robin turns are numbered by a sequence per rule on PostgreSQL
-- (rule_turn_<id>), taken with nextval, which holds no lock to COMMIT;
-- SQLite keeps counting in rule_turns. last_member_id is no longer read.
{{if .PG}}
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT rules.id, coalesce(t.turns, 0) AS turns FROM rules LEFT JOIN rule_turns AS t ON t.rule_id = rules.id LOOP
		EXECUTE format('CREATE SEQUENCE IF NOT EXISTS rule_turn_%s', r.id);
		IF r.turns > 0 THEN
			PERFORM setval(format('rule_turn_%s', r.id), r.turns);
		END IF;
	END LOOP;
END $$;
{{else}}
SELECT 1;
{{end}}
