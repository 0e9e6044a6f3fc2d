package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// render plays an adapter for every leased alert message: a post (a new
// message id) or an edit, recorded. It returns how many it posted.
func renderDigests(t *testing.T, s *store.Store, platform inboxbot.Platform, d inboxbot.Digest, text string) (posts, edits int) {
	t.Helper()
	jobs, err := s.PendingDigests(ctx, platform, "me", d, text, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		m, ok, err := s.HoldDigest(ctx, j.Message, "me", time.Minute)
		if err != nil || !ok {
			t.Fatalf("hold %+v: %v, %v", j.Message, ok, err)
		}
		if m.MessageID == "" {
			posts++
			m.Channel, m.MessageID, m.PostedAt = "D"+j.To, fmt.Sprint("m", posts), s.Now()
		} else {
			edits++
		}
		if err := s.DigestRendered(ctx, m, text, d.Total(), "me"); err != nil {
			t.Fatal(err)
		}
	}
	return posts, edits
}

// Ten thousand conversations waiting are one alert message per manager and
// platform, computed in the same few statements as ten; a manager who
// turned alerts off and an agent get none.
func TestDigest_TenThousandWaitingAreOneMessagePerManagerAndPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		for _, m := range []inboxbot.Member{
			{Name: "dana", Role: inboxbot.RoleManager, SlackID: "U1", DiscordID: "101"},
			{Name: "root", Role: inboxbot.RoleAdmin, SlackID: "U2"},
			{Name: "quiet", Role: inboxbot.RoleManager, SlackID: "U3", DiscordID: "103", Muted: []string{inboxbot.NotifyAlerts}},
			{Name: "lee", Role: inboxbot.RoleAgent, SlackID: "U4", DiscordID: "104"},
		} {
			if _, err := s.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		first := inbound(t, s, "jane", "sms", "hi").Conversation
		if err := s.SeedWaiting(ctx, first.ID, 9, "a"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		counter := s.CountStatements()
		digest := func(want int) inboxbot.Digest {
			t.Helper()
			counter.Reset()
			d, err := s.Digest(ctx, now.Add(-15*time.Minute), 15*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(counter.Statements()); n > 3 {
				t.Fatalf("the digest took %d statements, want at most 3:\n%s", n, strings.Join(counter.Statements(), "\n"))
			}
			if d.Unassigned != want || len(d.Oldest) != inboxbot.DigestOldest || d.Oldest[0].ID != first.ID {
				t.Fatalf("digest %+v, want %d waiting, the oldest first", d, want)
			}
			return d
		}
		digest(10)
		if err := s.SeedWaiting(ctx, first.ID, 9990, "b"); err != nil {
			t.Fatal(err)
		}
		d := digest(10000)
		for _, p := range []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformDiscord} {
			posts, edits := renderDigests(t, s, p, d, "10,000 conversations need someone")
			want := map[inboxbot.Platform]int{inboxbot.PlatformSlack: 2, inboxbot.PlatformDiscord: 1}[p]
			if posts != want || edits != 0 {
				t.Fatalf("%s: %d alert messages posted, %d edited; want %d posted (dana, root on Slack)", p, posts, edits, want)
			}
			// Nothing changed: nothing is due; a new text edits the same messages.
			if posts, edits := renderDigests(t, s, p, d, "10,000 conversations need someone"); posts+edits != 0 {
				t.Fatalf("%s: unchanged digest rendered %d times", p, posts+edits)
			}
			if posts, edits := renderDigests(t, s, p, d, "10,001 conversations need someone"); posts != 0 || edits != want {
				t.Fatalf("%s: a change posted %d, edited %d; want %d edits", p, posts, edits, want)
			}
		}
		// Counting stops past the cap: a million waiting cost the same.
		if err := s.SeedWaiting(ctx, first.ID, 5, "c"); err != nil {
			t.Fatal(err)
		}
		if d, err := s.Digest(ctx, now.Add(-15*time.Minute), 15*time.Minute); err != nil || !d.More || d.Unassigned != inboxbot.DigestCountCap {
			t.Fatalf("past the cap: %+v, %v", d, err)
		}
	})
}

// Two replicas never hold one alert message at once.
func TestDigest_LeasedToOneReplica(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleManager, SlackID: "U1"}); err != nil {
			t.Fatal(err)
		}
		d := inboxbot.Digest{Unassigned: 1}
		a, err := s.PendingDigests(ctx, inboxbot.PlatformSlack, "a", d, "1 waits", time.Minute)
		if err != nil || len(a) != 1 {
			t.Fatalf("replica a leased %d, %v", len(a), err)
		}
		b, err := s.PendingDigests(ctx, inboxbot.PlatformSlack, "b", d, "1 waits", time.Minute)
		if err != nil || len(b) != 0 {
			t.Fatalf("replica b leased %d while a holds it, %v", len(b), err)
		}
		if _, ok, _ := s.HoldDigest(ctx, a[0].Message, "b", time.Minute); ok {
			t.Fatal("b holds a's message")
		}
	})
}
