package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// The seed's shape, as fractions of the conversations: one in ten is open,
// one in a hundred is open and unassigned (the Team inbox); every
// conversation has its own contact and one message; one contact in ten is
// tagged vip. The rule round-robins over ruleMembers agents. The Team
// inbox's conversations were alerted about already, as they would have
// been, so the unassigned alert does not run through them all during the
// measurements, and are marked passed over (as after reassign_after ran
// out), so that the sweep of the HTTP phases leaves them to the claims;
// `load backlog -op release` makes them a backlog the rule can place.
const ruleMembers = 20

// openDB opens a migrated inboxbot database by its DATABASE_URL.
func openDB(url string) (*sql.DB, bool, error) {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
		db.SetMaxOpenConns(1)
		return db, false, err
	}
	db, err := sql.Open("pgx", url)
	return db, true, err
}

// seedMain fills a freshly migrated database: members, one published
// round-robin rule, and conversations with contacts and messages. Indexes
// other than primary keys are dropped first and rebuilt after, which is
// what makes a million rows take seconds.
func seedMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	url := fs.String("db", "", "DATABASE_URL of a migrated, empty inboxbot database")
	convs := fs.Int("conversations", 1000000, "conversations to create")
	members := fs.Int("members", 5000, "members to create")
	fs.Parse(args)
	db, pg, err := openDB(*url)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	indexes, err := dropIndexes(ctx, db, pg)
	if err != nil {
		return err
	}
	for _, q := range seedSQL(pg, *convs, *members) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
	}
	for _, q := range indexes {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild index: %w\n%s", err, q)
		}
	}
	analyze := "ANALYZE"
	if pg {
		analyze = "VACUUM ANALYZE"
	}
	if _, err := db.ExecContext(ctx, analyze); err != nil {
		return err
	}
	// One pass over the open conversations, grouped: a correlated count
	// a member would be planned on the statistics of the empty tables.
	if _, err := db.ExecContext(ctx, `UPDATE members SET open_count = c.n FROM (SELECT assignee_id, count(*) AS n
		FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL GROUP BY assignee_id) AS c
		WHERE c.assignee_id = members.id`); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seeded %d conversations, %d members in %.1fs\n", *convs, *members, time.Since(start).Seconds())
	return nil
}

// dropIndexes drops the secondary indexes of the tables the seed fills and
// returns the statements that create them again.
func dropIndexes(ctx context.Context, db *sql.DB, pg bool) ([]string, error) {
	q := `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
		AND tablename IN ('contacts', 'contact_tags', 'conversations', 'messages', 'followers')
		AND indexdef LIKE 'CREATE%INDEX%' AND indexname NOT LIKE '%_pkey'`
	if !pg {
		q = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
			AND tbl_name IN ('contacts', 'contact_tags', 'conversations', 'messages', 'followers')`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+n); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// seedSQL is the seed, in the dialect: PostgreSQL's generate_series, or a
// recursive CTE on SQLite. Row i of every table belongs to conversation i.
func seedSQL(pg bool, convs, members int) []string {
	series := func(n int) (with, from string) {
		if pg {
			return "", fmt.Sprintf("generate_series(1, %d) AS g(i)", n)
		}
		return fmt.Sprintf("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %d) ", n), "g"
	}
	// ago(i) is a timestamp i seconds before now, as bun writes it.
	ago := func(i string) string {
		if pg {
			return "now() - " + i + " * interval '1 second'"
		}
		return "strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || " + i + " || ' seconds') || '+00:00'"
	}
	now, f := ago("0"), "FALSE"
	if !pg {
		f = "0"
	}
	var names []string
	for i := 4; i < 4+ruleMembers && i <= members; i++ {
		names = append(names, fmt.Sprintf(`"agent%d"`, i))
	}
	action := fmt.Sprintf(`{"method":"round_robin","members":[%s]}`, strings.Join(names, ","))
	w, g := series(members)
	out := []string{
		w + `INSERT INTO members (name, role, timezone, away, capacity, created_at)
		SELECT 'agent' || i, CASE WHEN i <= 3 THEN 'manager' ELSE 'agent' END, '', ` + f + `, 0, ` + now + ` FROM ` + g,
		`INSERT INTO rules (priority, name, status, trigger_event, action, updated_at)
		VALUES (1, 'sales', 'published', 'conversation.created', '` + action + `', ` + now + `)`,
		`INSERT INTO rule_turns (rule_id, turns) SELECT id, 0 FROM rules`,
	}
	if pg {
		// inboxbot counts a rule's round-robin turns in a sequence of its own.
		out = append(out, `DO $$ DECLARE r record; BEGIN
			FOR r IN SELECT id FROM rules LOOP EXECUTE format('CREATE SEQUENCE IF NOT EXISTS rule_turn_%s', r.id); END LOOP;
		END $$`)
	}
	if convs == 0 {
		return out
	}
	w, g = series(convs)
	mod := fmt.Sprintf("%d", members)
	return append(out,
		w+`INSERT INTO contacts (external_id, name, lead_source, created_at, updated_at)
		SELECT 'seed-' || i, 'Contact ' || i, CASE WHEN i % 10 = 0 THEN 'ads' ELSE '' END, `+ago("i")+`, `+ago("i")+` FROM `+g,
		`INSERT INTO contact_tags (contact_id, tag) SELECT id, 'vip' FROM contacts WHERE id % 10 = 0`,
		w+`INSERT INTO conversations (contact_id, channel, subject, status, assignee_id, preview, last_message_at,
			unassigned_since, alerted_at, passed_over, version, slack_card_version, discord_card_version, created_at, updated_at)
		SELECT i, CASE WHEN i % 2 = 0 THEN 'sms' ELSE 'email' END, '',
			CASE WHEN i % 10 = 0 THEN 'open' ELSE 'closed' END,
			CASE WHEN i % 100 = 0 THEN NULL ELSE 1 + (i / 10) % `+mod+` END,
			'hello', `+ago("i")+`, CASE WHEN i % 100 = 0 THEN `+ago("i")+` END,
			CASE WHEN i % 100 = 0 THEN `+now+` END, CASE WHEN i % 100 = 0 THEN '1' END, 1, 1, 1, `+ago("i")+`, `+ago("i")+` FROM `+g,
		`INSERT INTO messages (conversation_id, direction, body, sent_at) SELECT id, 'inbound', 'hello', last_message_at FROM conversations`,
		`INSERT INTO followers (conversation_id, member_id, created_at) SELECT id, 1, created_at FROM conversations WHERE id % 5000 = 0`,
	)
}
