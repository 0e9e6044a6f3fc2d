package surfacetest

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

// managerAlerts: 120 conversations arrive over half an hour and wait in
// the Team inbox; two replicas run the managers' alert digest every
// simulated minute for an hour. The manager gets at most 3 alert messages
// (a new one at most every 15 minutes, the older deleted), edited in
// between, and ends with one message that counts all 120; its button lists
// the Team inbox; once everything is claimed the same message says so. An
// agent gets no alerts.
func managerAlerts(t *testing.T, d Driver) {
	al, ok := d.(Alerts)
	if !ok {
		t.Skip("this surface sends managers no alerts")
	}
	var mu sync.Mutex
	clock := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	d.Store().Now = now
	var replicas []*bot.Digests
	for i := range 2 {
		platform, renderer := al.Replica(i)
		replicas = append(replicas, &bot.Digests{Store: d.Store(), Platform: platform, Renderer: renderer,
			Owner: fmt.Sprint("alerts-", i), Log: slog.New(slog.DiscardHandler), After: 15 * time.Minute, Now: now})
	}
	round := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, g := range replicas {
			wg.Go(func() {
				if _, err := g.Flush(t.Context()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	dana := d.Join("dana", inboxbot.RoleManager)
	lee := d.Join("lee", inboxbot.RoleAgent)
	var ids []int64
	for minute := range 60 {
		for i := 0; i < 4 && minute < 30; i++ {
			ids = append(ids, inbound(t, d, fmt.Sprint("contact-", len(ids)), "hello").ID)
		}
		round()
		mu.Lock()
		clock = clock.Add(time.Minute)
		mu.Unlock()
	}
	posts, edits := al.Posted(dana)
	msgs := d.DMs(dana)
	t.Logf("%d alert messages posted, %d edits; %q left", posts, edits, msgs)
	if posts == 0 || posts > 3 {
		t.Fatalf("%d alert messages posted, want 1 to 3", posts)
	}
	if len(msgs) != 1 || edits == 0 {
		t.Fatalf("%d alert messages left (want 1), %d edits (want some)", len(msgs), edits)
	}
	want := fmt.Sprintf("120 conversations need someone: 120 unassigned over 15 minutes (oldest %s for ", inboxbot.Ref(ids[0]))
	if !strings.HasPrefix(msgs[0], want) {
		t.Fatalf("alert message %q, want it to start %q", msgs[0], want)
	}
	if got := d.DMs(lee); len(got) != 0 {
		t.Fatalf("an agent got alerts: %q", got)
	}

	// The button lists the Team inbox for the manager who clicks it.
	if ans := al.PressAlert(dana); !strings.Contains(ans.Text, inboxbot.Ref(ids[0])) {
		t.Fatalf("the alert's button answered %q, want the Team inbox with %s", ans.Text, inboxbot.Ref(ids[0]))
	}

	// Once nothing waits, the same message says so.
	for _, id := range ids {
		if _, _, err := d.Store().Claim(t.Context(), id, lee.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
	}
	round()
	msgs = d.DMs(dana)
	if posts, _ := al.Posted(dana); len(msgs) != 1 || !strings.HasPrefix(msgs[0], "Nothing needs someone now") || posts > 3 {
		t.Fatalf("after every conversation was claimed: %d posts, messages %q", posts, msgs)
	}
}
