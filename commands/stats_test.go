package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// A seeded week: lee answers in 2 and 4 minutes and closes one, sam in 10
// minutes and leaves one unanswered; ten days ago lee had one more.
func TestStats_PerMemberFiguresOverTheWindow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		at := func() time.Time { return now }
		e.st.Now, e.svc.Now, e.svc.Webhook = at, at, true
		e.member("dana", inboxbot.RoleManager)
		e.member("lee", inboxbot.RoleAgent)
		e.member("sam", inboxbot.RoleAgent)
		step := func(d time.Duration, as, text string) { now = now.Add(d); e.ok(as, text) }

		old := e.inbound("kim", "last week")
		step(0, "lee", "claim "+ref(old))
		step(time.Minute, "lee", "reply "+ref(old)+" hello kim")
		step(time.Minute, "lee", "close "+ref(old))
		now = now.Add(10 * 24 * time.Hour)

		jane, joe := e.inbound("jane", "hi"), e.inbound("joe", "hi")
		step(0, "lee", "claim "+ref(jane))
		step(0, "sam", "claim "+ref(joe))
		step(2*time.Minute, "lee", "reply "+ref(jane)+" hello jane")
		ann := e.inbound("ann", "hi")
		step(8*time.Minute, "sam", "reply "+ref(joe)+" hello joe")
		step(0, "lee", "claim "+ref(ann))
		step(4*time.Minute, "lee", "reply "+ref(ann)+" hello ann")
		step(time.Minute, "lee", "close "+ref(ann))
		bob := e.inbound("bob", "hi")
		step(0, "dana", "assign "+ref(bob)+" @sam")
		now = now.Add(time.Hour)

		r := e.ok("dana", "stats")
		want := []string{
			"member         assigned  replied  closed median 1st    p90 1st breaches",
			"lee                   2        2       1         2m         4m        0",
			"sam                   2        1       0        10m        10m        0",
			"team                  4        3       1         4m        10m        0",
		}
		if !strings.HasPrefix(r.Title, "Stats for the last 7 days") || !strings.HasPrefix(r.Text, strings.Join(want, "\n")+"\n") {
			t.Fatalf("stats:\n%s\n%s\nwant\n%s", r.Title, r.Text, strings.Join(want, "\n"))
		}
		r = e.ok("dana", "stats 30d")
		if !strings.Contains(r.Text, "\nlee                   3        3       2         2m         4m        0\n") {
			t.Fatalf("stats 30d:\n%s", r.Text)
		}
		if r := e.run("lee", "stats"); r.Outcome != commands.Rejected || !strings.Contains(r.Error, "Only managers and admins can see the team's stats") {
			t.Fatalf("an agent asked for stats: %s %q", r.Outcome, r.Error)
		}
		if r := e.run("dana", "stats 90d"); r.Outcome != commands.Rejected || !strings.Contains(r.Error, "use 7d or 30d") {
			t.Fatalf("stats 90d: %s %q", r.Outcome, r.Error)
		}
	})
}

// Breaches the service-level timer marks are counted for the assignee at
// the breach and in the team's total (with one missed in the Team inbox),
// once however often the timer runs, and only within the window.
func TestStats_CountsBreachesPerMemberInTheWindow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		at := func() time.Time { return now }
		e.st.Now, e.svc.Now, e.svc.Webhook = at, at, true
		policy := []inboxbot.Policy{{Name: "Fast", FirstResponse: 30 * time.Second, Hours: inboxbot.HoursAlways}}
		if err := e.st.ApplyTeamFile(ctx, nil, nil, policy); err != nil {
			t.Fatal(err)
		}
		e.member("dana", inboxbot.RoleManager)
		e.member("lee", inboxbot.RoleAgent)
		timer := func(want int) {
			t.Helper()
			for range 2 { // the second run finds nothing left to mark
				tick, err := e.st.SLATimer(ctx, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(tick.Breached) != want {
					t.Fatalf("timer at %s breached %v, want %d", now, tick.Breached, want)
				}
				want = 0
			}
		}

		e.ok("lee", "claim "+ref(e.inbound("kim", "last week")))
		now = now.Add(time.Minute)
		timer(1)
		now = now.Add(10 * 24 * time.Hour)

		e.ok("lee", "claim "+ref(e.inbound("jane", "hi")))
		e.inbound("joe", "hi") // stays in the Team inbox
		now = now.Add(time.Minute)
		timer(2)

		r := e.ok("dana", "stats")
		if !strings.Contains(r.Text, "\nlee                   1        0       0          -          -        1\n") ||
			!strings.Contains(r.Text, "\nteam                  1        0       0          -          -        2\n") {
			t.Fatalf("stats:\n%s", r.Text)
		}
		r = e.ok("dana", "stats 30d")
		if !strings.Contains(r.Text, "\nlee                   2        0       0          -          -        2\n") ||
			!strings.Contains(r.Text, "\nteam                  2        0       0          -          -        3\n") {
			t.Fatalf("stats 30d:\n%s", r.Text)
		}
	})
}

func ref(c inboxbot.Conversation) string { return c.Ref() }

// The alert digest's button lists the Team inbox for whoever clicks it.
func TestAct_WaitingListsTheTeamInbox(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleManager)
		c := e.inbound("jane", "hello")
		r := e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformShell, UserID: "dana", Action: commands.ActionWaiting})
		if r.Outcome != commands.OK || r.Command != "list" || len(r.Cards) != 1 || r.Cards[0].Conversation.ID != c.ID {
			t.Fatalf("waiting = %s %q, %d cards", r.Outcome, r.Error, len(r.Cards))
		}
	})
}
