package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/store"
)

// alertBox is a DigestRenderer that keeps the alert messages it posted,
// by manager; fail runs before each render.
type alertBox struct {
	mu    sync.Mutex
	posts map[int64]int
	edits int
	fail  func()
}

func (a *alertBox) RenderDigest(_ context.Context, job store.DigestJob) (store.DigestMessage, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		a.fail()
	}
	m := job.Message
	if m.MessageID != "" {
		a.edits++
		return m, nil
	}
	a.posts[m.MemberID]++
	m.Channel, m.MessageID = "D"+job.To, fmt.Sprint("alert-", m.MemberID, "-", a.posts[m.MemberID])
	return m, nil
}

// An alert message the platform shows is recorded once the database is
// back, not posted again by either replica.
func TestDigests_DatabaseOutageAfterThePostDoublesNothing(t *testing.T) {
	db := openOutage(t)
	s := db.st
	now := time.Now()
	s.Now = func() time.Time { return now }
	for _, id := range []string{"U1", "U2"} {
		if _, err := s.CreateMember(ctx, inboxbot.Member{Name: "m" + id, Role: inboxbot.RoleManager, SlackID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms",
		Contact: inboxbot.Contact{ExternalID: "c"}, Body: "hi"}, nil); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	box := &alertBox{posts: map[int64]int{}}
	first := true
	box.fail = func() {
		if first {
			first = false
			db.set(t, true)
		}
	}
	digests := func(owner string) *bot.Digests {
		return &bot.Digests{Store: s, Platform: inboxbot.PlatformSlack, Renderer: box, Owner: owner,
			After: 15 * time.Minute, Now: s.Now, Log: quiet()}
	}
	r1, r2 := digests("r1"), digests("r2")
	if n, err := r1.Flush(ctx); n != 1 || err == nil {
		t.Fatalf("flush during the outage: %d, %v; want 1 rendered and the record failing", n, err)
	}
	if n, _ := r2.Flush(ctx); n != 0 {
		t.Fatal("r2 rendered during the outage")
	}
	db.set(t, false)
	if _, err := r1.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Minute) // r1's leases lapse; the ages change
	for _, r := range []*bot.Digests{r2, r1, r2} {
		if _, err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	once := len(box.posts) == 2
	for _, n := range box.posts {
		once = once && n == 1
	}
	if !once || box.edits == 0 {
		t.Fatalf("posts %v, %d edits; want each manager's alert message posted once, then edited", box.posts, box.edits)
	}
}
