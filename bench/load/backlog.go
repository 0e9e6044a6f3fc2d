package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
)

// backlogMain works on the seeded Team inbox, which the seed keeps out of
// the rules' reach (passed over by a manager) so that the sweep of the
// HTTP phases leaves it for the claims:
//
//	release    makes it placeable again: a backlog the published rule can place
//	unpublish  sets the rule back to draft
//	alerts     counts the alert messages the managers' digest posts for it
//	drain      publishes the rule through commands, as a manager would, and
//	           reports how fast the backlog is placed (a running serve's
//	           sweep shares the work)
func backlogMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backlog", flag.ExitOnError)
	url := fs.String("db", "", "DATABASE_URL")
	op := fs.String("op", "", "release, unpublish, alerts or drain")
	label := fs.String("label", "postgres", "database label for the report")
	limit := fs.Duration("for", 4*time.Minute, "drain: how long to wait for the backlog at most")
	total := fs.Int("total", 0, "release: unassign open conversations until this many wait (0: only release)")
	fs.Parse(args)
	db, _, err := openDB(*url)
	if err != nil {
		return err
	}
	defer db.Close()
	switch *op {
	case "release":
		res, err := db.ExecContext(ctx, `UPDATE conversations SET passed_over = NULL
			WHERE passed_over IS NOT NULL AND assignee_id IS NULL AND status = 'open'`)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		more, err := topUp(ctx, db, *total)
		fmt.Fprintf(os.Stderr, "released %d waiting conversations, unassigned %d more\n", n, more)
		return err
	case "unpublish":
		_, err := db.ExecContext(ctx, `UPDATE rules SET status = 'draft'`)
		return err
	case "alerts":
		return countAlerts(ctx, db, *url, *label)
	case "drain":
		return drainBacklog(ctx, db, *url, *label, *limit)
	}
	return fmt.Errorf("unknown backlog op %q", *op)
}

// topUp unassigns open conversations, newest first, until total wait
// (claims took some of the seeded Team inbox), and counts the members'
// open conversations again.
func topUp(ctx context.Context, db *sql.DB, total int) (int, error) {
	n, err := waiting(ctx, db)
	if err != nil || n >= total {
		return 0, err
	}
	res, err := db.ExecContext(ctx, `UPDATE conversations SET assignee_id = NULL, unassigned_since = last_message_at,
		alerted_at = last_message_at, assigned_rule_id = NULL, reassign_due_at = NULL
		WHERE id IN (SELECT id FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL ORDER BY id DESC LIMIT $1)`, total-n)
	if err != nil {
		return 0, err
	}
	moved, _ := res.RowsAffected()
	_, err = db.ExecContext(ctx, `UPDATE members SET open_count = (SELECT count(*) FROM conversations AS c
		WHERE c.assignee_id = members.id AND c.status = 'open')`)
	return int(moved), err
}

// waiting counts the conversations in the Team inbox the rules may place.
func waiting(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM conversations
		WHERE assignee_id IS NULL AND status = 'open' AND passed_over IS NULL`).Scan(&n)
	return n, err
}

// countAlerts runs the managers' alert digest as serve does, for Slack
// and Discord, with every waiting conversation past the alert age, and
// reports how many alert messages it posts: one per manager and platform,
// whatever the size of the backlog.
func countAlerts(ctx context.Context, db *sql.DB, url, label string) error {
	var waitingNow int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM conversations
		WHERE assignee_id IS NULL AND status = 'open'`).Scan(&waitingNow); err != nil {
		return err
	}
	// Alert messages go to managers linked to the platform: link the
	// seeded ones to both.
	if _, err := db.ExecContext(ctx, `UPDATE members SET slack_id = 'UBENCH' || id, discord_id = 'BENCH' || id
		WHERE role = 'manager'`); err != nil {
		return err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	posts := &countingRenderer{managers: map[int64]bool{}}
	for _, p := range []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformDiscord} {
		// An alert age of one nanosecond: every waiting conversation is due.
		g := &bot.Digests{Store: st, Platform: p, Renderer: posts, Owner: "bench-alerts", After: time.Nanosecond,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if _, err := g.Flush(ctx); err != nil {
			return err
		}
	}
	took := time.Since(start)
	if len(posts.managers) == 0 || posts.posts > 2*len(posts.managers) {
		return fmt.Errorf("alerts: %d alert messages for %d managers on two platforms; want one per manager and platform", posts.posts, len(posts.managers))
	}
	note(label, fmt.Sprintf("Manager alerts for a backlog of %d waiting conversations: **%d alert messages** for %d managers on Slack and Discord (one per manager and platform; %d ms).",
		waitingNow, posts.posts, len(posts.managers), took.Milliseconds()))
	return nil
}

// countingRenderer counts the alert messages the digest would post or
// edit, and for whom, without a platform.
type countingRenderer struct {
	posts    int
	managers map[int64]bool
}

// RenderDigest counts one alert message.
func (c *countingRenderer) RenderDigest(_ context.Context, job store.DigestJob) (store.DigestMessage, error) {
	c.managers[job.Message.MemberID] = true
	msg := job.Message
	if msg.MessageID == "" {
		c.posts++
		msg.Channel, msg.MessageID = "D"+job.To, fmt.Sprintf("bench-%d-%s", msg.MemberID, msg.Platform)
	}
	return msg, nil
}

// drainBacklog publishes the rule through commands.Service, whose offer
// runs after the answer as in a serve replica, and polls the backlog
// until it is placed or limit passes.
func drainBacklog(ctx context.Context, db *sql.DB, url, label string, limit time.Duration) error {
	total, err := waiting(ctx, db)
	if err != nil || total == 0 {
		return fmt.Errorf("drain: %d waiting: %v", total, err)
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := commands.New(st, routing.Route)
	svc.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	svc.Later = commands.NewLater()
	defer svc.Later.Stop()
	rules, err := st.Rules(ctx)
	if err != nil || len(rules) == 0 {
		return fmt.Errorf("drain: rules %v: %v", rules, err)
	}
	start := time.Now()
	res := svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformShell, UserID: "agent1", Text: fmt.Sprintf("rules publish %d", rules[0].ID)})
	if res.Outcome != commands.OK {
		return fmt.Errorf("publish: %s %s", res.Title, res.Error)
	}
	answered := time.Since(start)
	marks := map[int]time.Duration{}
	left := total
	for time.Since(start) < limit && left > 0 {
		time.Sleep(time.Second)
		if left, err = waiting(ctx, db); err != nil {
			return err
		}
		placed := total - left
		for _, pct := range []int{50, 90, 100} {
			if _, ok := marks[pct]; !ok && placed*100 >= total*pct {
				marks[pct] = time.Since(start)
			}
		}
		if _, ok := marks[-3]; !ok && time.Since(start) >= 3*time.Minute {
			marks[-3] = time.Duration(placed)
		}
	}
	at := func(pct int) string {
		if d, ok := marks[pct]; ok {
			return fmt.Sprintf("%.0f s", d.Seconds())
		}
		return fmt.Sprintf("not within %s", limit)
	}
	in3 := total - left
	if d, ok := marks[-3]; ok {
		in3 = int(d)
	}
	note(label, fmt.Sprintf("Backlog drain: %d waiting conversations the rule can place; `/inbox rules publish` answered in %.0f ms; "+
		"placed 50%% in %s, 90%% in %s, all in %s; %d (%.0f%%) within 3 minutes.",
		total, float64(answered.Microseconds())/1000, at(50), at(90), at(100), in3, 100*float64(in3)/float64(total)))
	return nil
}
